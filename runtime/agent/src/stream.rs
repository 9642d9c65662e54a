//! SNMP over streams: TCP (RFC 3430) and Unix sockets. Each connection is read
//! through the message [`Framer`] (an indefinite or oversized length closes it before
//! anything is held) and answered in order on the same connection, so a client may
//! pipeline as many requests as it likes. Connections are bounded in number, and one
//! that sends nothing for the idle timeout is closed.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use smic_snmp::agent::Step;
use smic_snmp::stream::Framer;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tracing::{debug, info, warn};

use crate::Shared;

/// Bounds on stream clients.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StreamLimits {
    pub(crate) max_connections: usize,
    pub(crate) idle: Duration,
    pub(crate) max_message: usize,
}

/// A bound stream listener.
pub(crate) enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl Listener {
    pub(crate) async fn tcp(addr: SocketAddr) -> io::Result<Listener> {
        Ok(Listener::Tcp(TcpListener::bind(addr).await?))
    }

    /// Binds a Unix socket, replacing a stale socket file (never another kind of file).
    pub(crate) fn unix(path: &Path, mode: u32) -> io::Result<Listener> {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.file_type().is_socket() {
                std::fs::remove_file(path)?;
            }
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        Ok(Listener::Unix(listener, path.to_path_buf()))
    }

    /// `tcp:ADDR` or `unix:PATH`.
    pub(crate) fn name(&self) -> String {
        match self {
            Listener::Tcp(l) => l
                .local_addr()
                .map_or_else(|_| "tcp:?".to_owned(), |a| format!("tcp:{a}")),
            Listener::Unix(_, path) => format!("unix:{}", path.display()),
        }
    }
}

/// Accepts connections until the task is stopped; each is served on a task of its
/// own.
pub(crate) async fn serve(listener: Listener, shared: Arc<Shared>, limits: StreamLimits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let _cleanup = Cleanup(match &listener {
        Listener::Unix(_, path) => Some(path.clone()),
        Listener::Tcp(_) => None,
    });
    loop {
        let accepted = match &listener {
            Listener::Tcp(l) => l.accept().await.map(|(s, peer)| {
                let _ = s.set_nodelay(true);
                (Conn::Tcp(s), peer)
            }),
            // A Unix peer has no address: requests are seen as from 0.0.0.0:0.
            Listener::Unix(l, _) => l
                .accept()
                .await
                .map(|(s, _)| (Conn::Unix(s), SocketAddr::from(([0, 0, 0, 0], 0)))),
        };
        let (conn, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            let refused = shared
                .counters
                .connections_refused
                .fetch_add(1, Ordering::Relaxed)
                + 1;
            if refused % 100 == 1 {
                warn!(%peer, refused, limit = limits.max_connections, "too many stream connections: refused");
            }
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            match conn {
                Conn::Tcp(s) => connection(s, peer, &shared, limits).await,
                Conn::Unix(s) => connection(s, peer, &shared, limits).await,
            }
            drop(permit);
        });
    }
}

enum Conn {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

/// Removes the Unix socket file when the listener's task ends.
struct Cleanup(Option<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One connection: read, frame, answer in order.
async fn connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    peer: SocketAddr,
    shared: &Shared,
    limits: StreamLimits,
) {
    let mut framer = Framer::new(limits.max_message);
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    loop {
        // Every whole message read so far is answered before reading more, and the
        // answers go out in one write.
        loop {
            match framer.next_message() {
                Ok(Some(request)) => {
                    if let Some(answer) = answer(shared, &request, peer).await {
                        out.extend_from_slice(&answer);
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    shared
                        .counters
                        .stream_errors
                        .fetch_add(1, Ordering::Relaxed);
                    debug!(%peer, %error, "stream closed: cannot be cut into messages");
                    let _ = stream.write_all(&out).await;
                    return;
                }
            }
        }
        if !out.is_empty() {
            if tokio::time::timeout(limits.idle, stream.write_all(&out))
                .await
                .is_err()
            {
                debug!(%peer, "stream client not reading: closed");
                return;
            }
            out.clear();
        }
        let n = match tokio::time::timeout(limits.idle, stream.read(&mut buf)).await {
            Ok(Ok(0)) => return,
            Ok(Ok(n)) => n,
            Ok(Err(error)) => {
                debug!(%peer, %error, "stream read failed");
                return;
            }
            Err(_) => {
                debug!(%peer, "idle stream closed");
                return;
            }
        };
        framer.push(buf.get(..n).unwrap_or_default());
    }
}

/// One request's answer, from the agent or through the master.
async fn answer(shared: &Shared, request: &[u8], peer: SocketAddr) -> Option<Vec<u8>> {
    let accepted = match shared.responder.accept_at(request, peer, Instant::now()) {
        Step::Answered(answer) => return answer,
        Step::Serve(accepted) => accepted,
    };
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let responder = &shared.responder;
    let outcome = if shared.master.is_local(&accepted) {
        responder
            .core()
            .serve(accepted.principal(), accepted.pdu(), || accepted.budget())
    } else {
        shared.master.serve(responder, &accepted).await
    };
    outcome.and_then(|o| responder.answer(&accepted, o))
}

/// Logs where a stream listener listens.
pub(crate) fn announce(listener: &Listener) {
    info!(address = %listener.name(), "listening");
}
