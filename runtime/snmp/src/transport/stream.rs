//! A server of SNMP messages over streams: TCP (RFC 3430) and Unix sockets, shared by
//! the agent and the notification receiver.
//!
//! Each connection is read through the message [`Framer`] (an indefinite or oversized
//! length closes it before anything is held) and its messages are handed to the
//! service one at a time, in order; answers go back on the same connection in that
//! order, so a peer may pipeline as many messages as it likes. Connections are
//! bounded in number; one that sends nothing for the idle timeout, or takes longer
//! than that to finish a message it started (a slowloris), is closed.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::sync::Arc;
//! use smic_snmp::transport::{Address, stream::{Listener, StreamLimits, StreamStats, serve}};
//! let listener = Listener::bind(&"tcp:127.0.0.1:1161".parse().unwrap(), 0o600).await?;
//! let stats = Arc::new(StreamStats::default());
//! // An echo service: every message is answered with itself.
//! serve(listener, StreamLimits::default(), stats, |message, _peer| async move {
//!     Some(message)
//! }, std::future::pending()).await;
//! # Ok(()) }
//! ```

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use smic_snmp_proto::stream::Framer;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::{debug, warn};

use super::Address;

/// Bounds on stream peers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// Connections open at once; past it a new one is closed on arrival (and counted).
    pub max_connections: usize,
    /// How long a connection may send nothing, or take to finish a message.
    pub idle: Duration,
    /// The largest message accepted (header included); it also bounds what one
    /// connection buffers.
    pub max_message: usize,
}

impl Default for StreamLimits {
    /// 256 connections, 60 s, 65,535-byte messages.
    fn default() -> StreamLimits {
        StreamLimits {
            max_connections: 256,
            idle: Duration::from_secs(60),
            max_message: 65_535,
        }
    }
}

/// What the stream server counts.
#[derive(Debug, Default)]
pub struct StreamStats {
    accepted: AtomicU64,
    refused: AtomicU64,
    broken: AtomicU64,
    timed_out: AtomicU64,
}

impl StreamStats {
    /// Connections accepted.
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Connections closed on arrival: too many open.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Connections closed because their bytes could not be cut into SNMP messages.
    pub fn broken(&self) -> u64 {
        self.broken.load(Ordering::Relaxed)
    }

    /// Connections closed because they were idle, too slow to finish a message, or
    /// not reading their answers.
    pub fn timed_out(&self) -> u64 {
        self.timed_out.load(Ordering::Relaxed)
    }
}

/// Who sent a message on a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The peer's address; a Unix peer has none and shows as `0.0.0.0:0`.
    pub address: SocketAddr,
    /// `tcp` or `unix`.
    pub transport: &'static str,
}

/// A bound stream listener.
#[derive(Debug)]
pub enum Listener {
    /// A TCP listener.
    Tcp(TcpListener),
    /// A Unix socket listener and its path (removed when the server stops).
    Unix(UnixListener, PathBuf),
}

impl Listener {
    /// Binds a `tcp:` or `unix:` address; a Unix socket file gets `unix_mode`.
    pub async fn bind(address: &Address, unix_mode: u32) -> io::Result<Listener> {
        match address {
            Address::Tcp(a) => Ok(Listener::Tcp(TcpListener::bind(a).await?)),
            Address::Unix(path) => Listener::unix(path, unix_mode),
            Address::Udp(_) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{address} is not a stream transport"),
            )),
        }
    }

    /// Binds a Unix socket, replacing a stale socket file (never another kind of file).
    fn unix(path: &Path, mode: u32) -> io::Result<Listener> {
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

    /// Where it listens (with the port the system chose, for `tcp:…:0`).
    pub fn address(&self) -> io::Result<Address> {
        match self {
            Listener::Tcp(l) => l.local_addr().map(Address::Tcp),
            Listener::Unix(_, path) => Ok(Address::Unix(path.clone())),
        }
    }

    async fn accept(&self) -> io::Result<(Connection, Peer)> {
        match self {
            Listener::Tcp(l) => {
                let (stream, address) = l.accept().await?;
                // Answers are small and latency matters more than packing.
                let _ = stream.set_nodelay(true);
                let peer = Peer {
                    address,
                    transport: "tcp",
                };
                Ok((Connection::Tcp(stream), peer))
            }
            Listener::Unix(l, _) => {
                let (stream, _) = l.accept().await?;
                let peer = Peer {
                    address: SocketAddr::from(([0, 0, 0, 0], 0)),
                    transport: "unix",
                };
                Ok((Connection::Unix(stream), peer))
            }
        }
    }
}

enum Connection {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// Removes the Unix socket file when the server stops.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Accepts connections until `shutdown` completes, each served on a task of its own:
/// every message goes through `service`, whose answer (if any) is written back in
/// order. On shutdown no more connections are accepted; each open one finishes the
/// message it is handling, writes its answers and closes, and then `serve` returns.
pub async fn serve<S, F>(
    listener: Listener,
    limits: StreamLimits,
    stats: Arc<StreamStats>,
    service: S,
    shutdown: impl Future<Output = ()>,
) where
    S: Fn(Vec<u8>, Peer) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Option<Vec<u8>>> + Send,
{
    let _remove = RemoveOnDrop(match &listener {
        Listener::Unix(_, path) => Some(path.clone()),
        Listener::Tcp(_) => None,
    });
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (connection, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, usually: wait instead of spinning.
                    warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            () = &mut shutdown => break,
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            let refused = stats.refused.fetch_add(1, Ordering::Relaxed) + 1;
            if refused % 100 == 1 {
                warn!(peer = %peer.address, refused, limit = limits.max_connections,
                    "too many stream connections: refused");
            }
            continue;
        };
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let (service, stats, stopped) = (service.clone(), Arc::clone(&stats), stopped.clone());
        connections.spawn(async move {
            match connection {
                Connection::Tcp(s) => converse(s, peer, &service, limits, &stats, stopped).await,
                Connection::Unix(s) => converse(s, peer, &service, limits, &stats, stopped).await,
            }
            drop(permit);
        });
    }
    // Every connection holds a receiver; a send error means they are all gone.
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
}

/// One connection: read, frame, hand each message to the service, answer in order.
async fn converse<C, S, F>(
    mut stream: C,
    peer: Peer,
    service: &S,
    limits: StreamLimits,
    stats: &StreamStats,
    mut stopped: watch::Receiver<bool>,
) where
    C: AsyncRead + AsyncWrite + Unpin,
    S: Fn(Vec<u8>, Peer) -> F,
    F: Future<Output = Option<Vec<u8>>>,
{
    let mut framer = Framer::new(limits.max_message);
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::new();
    // When the first byte of the message not yet whole arrived.
    let mut started: Option<Instant> = None;
    let timed_out = || {
        stats.timed_out.fetch_add(1, Ordering::Relaxed);
    };
    loop {
        // Every whole message read so far is answered before reading more, and the
        // answers go out in one write.
        loop {
            match framer.next_message() {
                Ok(Some(message)) => {
                    if let Some(answer) = service(message, peer).await {
                        out.extend_from_slice(&answer);
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    stats.broken.fetch_add(1, Ordering::Relaxed);
                    debug!(peer = %peer.address, %error, "stream closed: cannot be cut into messages");
                    let _ = tokio::time::timeout(limits.idle, stream.write_all(&out)).await;
                    return;
                }
            }
        }
        if !out.is_empty() {
            if tokio::time::timeout(limits.idle, stream.write_all(&out))
                .await
                .is_err()
            {
                timed_out();
                debug!(peer = %peer.address, "stream peer not reading: closed");
                return;
            }
            out.clear();
        }
        if framer.buffered() == 0 {
            started = None;
        }
        let deadline = started.unwrap_or_else(Instant::now) + limits.idle;
        let read = tokio::select! {
            read = tokio::time::timeout_at(deadline, stream.read(&mut buf)) => read,
            _ = stopped.changed() => return,
        };
        let n = match read {
            Ok(Ok(0)) => return,
            Ok(Ok(n)) => n,
            Ok(Err(error)) => {
                debug!(peer = %peer.address, %error, "stream read failed");
                return;
            }
            Err(_) => {
                timed_out();
                debug!(peer = %peer.address, partial = framer.buffered() > 0, "stream idle or too slow: closed");
                return;
            }
        };
        if framer.buffered() == 0 {
            started = Some(Instant::now());
        }
        framer.push(buf.get(..n).unwrap_or_default());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn echo_server(
        limits: StreamLimits,
    ) -> (SocketAddr, Arc<StreamStats>, watch::Sender<bool>) {
        let listener = Listener::bind(&"tcp:127.0.0.1:0".parse().unwrap(), 0o600)
            .await
            .unwrap();
        let Ok(Address::Tcp(address)) = listener.address() else {
            panic!("not TCP")
        };
        let stats = Arc::new(StreamStats::default());
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(serve(
            listener,
            limits,
            Arc::clone(&stats),
            |m, _| async move { Some(m) },
            async move {
                let _ = stopped.changed().await;
            },
        ));
        (address, stats, stop)
    }

    #[tokio::test]
    async fn pipelined_messages_come_back_in_order() {
        let (address, stats, _stop) = echo_server(StreamLimits::default()).await;
        let mut stream = TcpStream::connect(address).await.unwrap();
        let messages: Vec<u8> = (0..100u8).flat_map(|i| [0x30, 0x01, i]).collect();
        // Split at an odd place: a message straddles the writes.
        stream.write_all(&messages[..151]).await.unwrap();
        stream.write_all(&messages[151..]).await.unwrap();
        let mut back = vec![0; messages.len()];
        stream.read_exact(&mut back).await.unwrap();
        assert_eq!(back, messages);
        assert_eq!(stats.accepted(), 1);
    }

    #[tokio::test]
    async fn a_slow_sender_is_closed_after_the_idle_time() {
        let limits = StreamLimits {
            idle: Duration::from_millis(300),
            ..StreamLimits::default()
        };
        let (address, stats, _stop) = echo_server(limits).await;
        let mut stream = TcpStream::connect(address).await.unwrap();
        // One byte every 100 ms never goes idle, but never finishes the message in time.
        let started = Instant::now();
        let mut closed = false;
        for _ in 0..20 {
            if stream.write_all(&[0x30]).await.is_err() {
                closed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            if stats.timed_out() == 1 {
                closed = true;
                break;
            }
        }
        assert!(closed, "a slowloris kept its connection");
        assert!(started.elapsed() < Duration::from_millis(1500));
    }

    #[tokio::test]
    async fn connections_past_the_cap_are_refused_and_shutdown_closes_the_rest() {
        let limits = StreamLimits {
            max_connections: 2,
            ..StreamLimits::default()
        };
        let (address, stats, stop) = echo_server(limits).await;
        let mut open = Vec::new();
        for _ in 0..2 {
            let mut s = TcpStream::connect(address).await.unwrap();
            s.write_all(&[0x30, 0x00]).await.unwrap();
            let mut two = [0; 2];
            s.read_exact(&mut two).await.unwrap();
            open.push(s);
        }
        let mut third = TcpStream::connect(address).await.unwrap();
        let mut byte = [0; 1];
        assert_eq!(
            third.read(&mut byte).await.unwrap(),
            0,
            "third connection not closed"
        );
        assert_eq!(stats.refused(), 1);
        stop.send(true).unwrap();
        for mut s in open {
            assert_eq!(s.read(&mut byte).await.unwrap(), 0);
        }
    }
}
