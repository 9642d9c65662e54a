//! The notification originator (RFC 3413 §3.2): traps of every version. Informs are
//! requests and go through [`crate::client::Client::inform`], which retransmits them
//! and waits for the acknowledgement (and with SNMPv3 discovers the receiver's engine).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use tokio::net::UdpSocket;

use super::Notice;
use crate::client::UsmConfig;
use crate::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams};
use crate::message::{AnyPdu, Message, Pdu, PduType, Version};
use crate::usm::{self, EngineKeys, LocalEngine, Salt};

/// How traps are sent.
enum Mode {
    Community {
        version: Version,
        community: Vec<u8>,
        agent_addr: [u8; 4],
    },
    /// The sender of an SNMPv3 trap is the authoritative engine: its own ID, boots
    /// and time go in the message, and the user's keys are localized to it.
    Usm {
        config: Box<UsmConfig>,
        engine: LocalEngine,
        keys: Arc<EngineKeys>,
        salt: Salt,
    },
}

/// Sends traps to one receiver over UDP.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use smic_mibs::snmpv2_mib::ColdStart;
/// use smic_snmp::Version;
/// use smic_snmp::notify::{Notice, TrapSender};
/// let sender = TrapSender::community("192.0.2.10:162".parse().unwrap(), Version::V2c, "public").await?;
/// sender.send(&Notice::typed(&ColdStart, 0)).await?;
/// # Ok(()) }
/// ```
pub struct TrapSender {
    /// Connected to the receiver.
    socket: UdpSocket,
    mode: Mode,
    request_ids: AtomicU32,
}

impl TrapSender {
    /// SNMPv1 or SNMPv2c traps with `community`.
    pub async fn community(
        target: SocketAddr,
        version: Version,
        community: impl Into<Vec<u8>>,
    ) -> std::io::Result<TrapSender> {
        let socket = bind_for(target).await?;
        let agent_addr = match socket.local_addr()?.ip() {
            std::net::IpAddr::V4(ip) if !ip.is_unspecified() => ip.octets(),
            _ => [127, 0, 0, 1],
        };
        Ok(TrapSender {
            socket,
            mode: Mode::Community {
                version,
                community: community.into(),
                agent_addr,
            },
            request_ids: AtomicU32::new(1),
        })
    }

    /// SNMPv3 traps from `engine` as `config`'s user at its level.
    pub async fn usm(
        target: SocketAddr,
        config: UsmConfig,
        engine: LocalEngine,
    ) -> std::io::Result<TrapSender> {
        config
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let socket = bind_for(target).await?;
        let keys = config.user.keys(engine.id());
        Ok(TrapSender {
            socket,
            mode: Mode::Usm {
                config: Box::new(config),
                engine,
                keys,
                salt: Salt::new(),
            },
            request_ids: AtomicU32::new(1),
        })
    }

    /// Sends one trap: an SNMPv1 Trap-PDU (translated as RFC 3584 §3.2 says) or an
    /// SNMPv2-Trap-PDU.
    pub async fn send(&self, notice: &Notice) -> std::io::Result<()> {
        let request_id = (self.request_ids.fetch_add(1, Ordering::Relaxed) & 0x7fff_ffff) as i32;
        let bytes = match &self.mode {
            Mode::Community {
                version: Version::V1,
                community,
                agent_addr,
            } => Message {
                version: Version::V1,
                community: community.clone(),
                pdu: AnyPdu::TrapV1(notice.to_v1(*agent_addr)),
            }
            .encode(),
            Mode::Community {
                version, community, ..
            } => Message {
                version: *version,
                community: community.clone(),
                pdu: AnyPdu::Pdu(trap_pdu(notice, request_id)),
            }
            .encode(),
            Mode::Usm {
                config,
                engine,
                keys,
                salt,
            } => {
                let now = Instant::now();
                let header = Header {
                    msg_id: request_id,
                    max_size: MAX_SIZE,
                    flags: Flags::new(config.level, false),
                    security_model: USM,
                };
                let params = UsmParams {
                    engine_id: engine.id().to_vec(),
                    boots: engine.boots(),
                    time: engine.time(now),
                    user_name: config.user.name().to_vec(),
                    ..UsmParams::default()
                };
                let scoped = ScopedPdu {
                    context_engine_id: config
                        .context_engine_id
                        .clone()
                        .unwrap_or_else(|| engine.id().to_vec()),
                    context_name: config.context_name.clone(),
                    pdu: trap_pdu(notice, request_id),
                };
                usm::protect(header, params, keys, &scoped, salt)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?
            }
        };
        self.socket.send(&bytes).await?;
        Ok(())
    }
}

fn trap_pdu(notice: &Notice, request_id: i32) -> Pdu {
    Pdu {
        kind: PduType::TrapV2,
        request_id,
        error_status: 0,
        error_index: 0,
        varbinds: notice.to_varbinds(),
    }
}

async fn bind_for(target: SocketAddr) -> std::io::Result<UdpSocket> {
    let local: SocketAddr = if target.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    };
    let socket = UdpSocket::bind(local).await?;
    // Connecting fixes the source address, so v1 traps can name it as agent-addr.
    socket.connect(target).await?;
    Ok(socket)
}
