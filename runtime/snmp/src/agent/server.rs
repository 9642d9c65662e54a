//! The tokio UDP transport: several sockets on one port (`SO_REUSEPORT`), one task
//! each, so the kernel spreads clients over every core; each task only moves bytes
//! through [`Responder::handle`].

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use super::Responder;

/// A running agent; dropping it stops the sockets' tasks.
pub struct Server {
    local_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds `sockets` UDP sockets to `addr` (port 0 picks a free port, shared by all)
    /// and serves `responder` on each. Must be called inside a tokio runtime; the
    /// multi-threaded runtime runs the sockets' tasks on every core.
    ///
    /// The kernel assigns each client address to one socket, so one client is served
    /// by one task at a time; many clients use every socket.
    pub async fn bind(
        addr: SocketAddr,
        sockets: usize,
        responder: Arc<Responder>,
    ) -> io::Result<Server> {
        let first = reuse_port_socket(addr)?;
        let local_addr = first.local_addr()?;
        let mut bound = vec![first];
        for _ in 1..sockets.max(1) {
            bound.push(reuse_port_socket(local_addr)?);
        }
        let tasks = bound
            .into_iter()
            .map(|socket| tokio::spawn(serve(socket, Arc::clone(&responder))))
            .collect();
        Ok(Server { local_addr, tasks })
    }

    /// Where the agent listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops serving.
    pub fn shutdown(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A non-blocking UDP socket with `SO_REUSEPORT`, bound to `addr`.
fn reuse_port_socket(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    #[cfg(unix)]
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}

/// One socket's loop: receive, answer, send. Errors of one datagram never end it.
async fn serve(socket: UdpSocket, responder: Arc<Responder>) {
    // The largest UDP payload: a longer datagram would be truncated and fail to decode.
    let mut buffer = vec![0u8; 65535];
    loop {
        let (len, from) = match socket.recv_from(&mut buffer).await {
            Ok(received) => received,
            // ICMP errors of earlier sends surface here on some systems: keep serving.
            Err(_) => continue,
        };
        let Some(request) = buffer.get(..len) else {
            continue;
        };
        if let Some(response) = responder.handle(request, from) {
            // A client that went away is not the agent's problem.
            let _ = socket.send_to(&response, from).await;
        }
    }
}
