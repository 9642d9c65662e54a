//! A load generator for agent benchmarks: keeps a window of GET requests for
//! `sysDescr.0` (or `--oid`) in flight against one agent for some seconds and prints
//! the responses per second; with `--latency N`, sends N GETs one after another and
//! prints the median round trip in microseconds instead. The requests are encoded once (SNMPv3 ones after discovering the
//! agent's engine, and valid for the 150-second window), so the generator spends its
//! time on the socket and the agent under test does all the decoding, checking and
//! encrypting.
//!
//! ```text
//! cargo run --release -p smic-snmp --example snmp_load -- 127.0.0.1:161 [--seconds 5]
//!     [--window 64] [--community public] [--v3 USER:AUTHPASS:PRIVPASS]
//!     [--oid 1.3.6.1.2.1.1.1.0] [--latency 2000]
//! ```
//! Before measuring, one SNMPv2c answer is checked: an error or an exception
//! (noSuchObject, …) stops the run, so a benchmark never times the wrong thing.
//! `--v3` uses SHA and AES-128 at authPriv.
#![allow(clippy::print_stdout, missing_docs)]

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use smic_smi::Oid;
use smic_snmp::message::SecurityLevel;
use smic_snmp::message::v3::{Flags, Header, MAX_SIZE, ScopedPdu, USM, UsmParams};
use smic_snmp::usm::{self, AuthProtocol, PrivProtocol, Salt, User};
use smic_snmp::{AnyPdu, Message, Pdu, PduType, VarBind, Version};

fn get(request_id: i32, oid: &Oid) -> Pdu {
    Pdu {
        kind: PduType::Get,
        request_id,
        error_status: 0,
        error_index: 0,
        varbinds: vec![VarBind::null(oid.clone())],
    }
}

fn v3_request(
    socket: &UdpSocket,
    agent: SocketAddr,
    spec: &str,
    oid: &Oid,
) -> Result<Vec<u8>, String> {
    let mut parts = spec.splitn(3, ':');
    let (Some(name), Some(auth), Some(privacy)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("--v3 takes USER:AUTHPASS:PRIVPASS".into());
    };
    let user = User::new(name)
        .with_auth(AuthProtocol::Sha1, auth.as_bytes())
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, privacy.as_bytes()))
        .map_err(|e| e.to_string())?;
    let salt = Salt::new();
    // Discovery (RFC 3414 §4): an empty noAuthNoPriv request; the Report names the engine.
    let probe = usm::discovery_probe(1);
    socket.send_to(&probe, agent).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 65_536];
    let (len, _) = socket
        .recv_from(&mut buf)
        .map_err(|e| format!("discovery: {e}"))?;
    let report = usm::decode(&buf[..len]).map_err(|e| e.to_string())?;
    let engine = report.params;
    usm::protect(
        Header {
            msg_id: 2,
            max_size: MAX_SIZE,
            flags: Flags::new(SecurityLevel::AuthPriv, true),
            security_model: USM,
        },
        UsmParams {
            engine_id: engine.engine_id.clone(),
            boots: engine.boots,
            time: engine.time,
            user_name: user.name().to_vec(),
            ..UsmParams::default()
        },
        &user.keys(&engine.engine_id),
        &ScopedPdu {
            context_engine_id: engine.engine_id.clone(),
            context_name: Vec::new(),
            pdu: get(2, oid),
        },
        &salt,
    )
    .map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let agent: SocketAddr = args
        .next()
        .ok_or("usage: snmp_load HOST:PORT [--seconds N] [--window N] [--community C] [--v3 USER:AUTH:PRIV]")?
        .parse()
        .map_err(|e| format!("agent address: {e}"))?;
    let (mut seconds, mut window, mut community, mut v3) =
        (5.0f64, 64usize, "public".to_string(), None);
    let mut oid = Oid::from_vec(vec![1, 3, 6, 1, 2, 1, 1, 1, 0]);
    let mut latency: Option<usize> = None;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seconds" => seconds = value.parse().map_err(|_| "--seconds takes a number")?,
            "--window" => window = value.parse().map_err(|_| "--window takes a number")?,
            "--community" => community = value,
            "--v3" => v3 = Some(value),
            "--oid" => {
                oid = value
                    .trim_start_matches('.')
                    .parse()
                    .map_err(|_| "--oid takes a numeric OID")?;
            }
            "--latency" => latency = Some(value.parse().map_err(|_| "--latency takes a count")?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let socket = UdpSocket::bind("0.0.0.0:0").map_err(|e| e.to_string())?;
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|e| e.to_string())?;
    let request = match &v3 {
        Some(spec) => v3_request(&socket, agent, spec, &oid)?,
        None => Message {
            version: Version::V2c,
            community: community.into_bytes(),
            pdu: AnyPdu::Pdu(get(1, &oid)),
        }
        .encode(),
    };
    let mut buf = vec![0u8; 65_536];
    if v3.is_none() {
        socket.send_to(&request, agent).map_err(|e| e.to_string())?;
        let (len, _) = socket
            .recv_from(&mut buf)
            .map_err(|e| format!("no answer: {e}"))?;
        let answer = Message::decode(&buf[..len]).map_err(|e| e.to_string())?;
        let AnyPdu::Pdu(pdu) = answer.pdu else {
            return Err("the answer is not a response".into());
        };
        match pdu.varbinds.first() {
            Some(vb) if pdu.error_status == 0 && !vb.value.is_exception() => {}
            _ => return Err(format!("{oid} is not served: {pdu:?}")),
        }
    }
    if let Some(count) = latency {
        let mut rtts = Vec::with_capacity(count);
        for _ in 0..count {
            let sent = Instant::now();
            socket.send_to(&request, agent).map_err(|e| e.to_string())?;
            socket
                .recv_from(&mut buf)
                .map_err(|e| format!("no answer: {e}"))?;
            rtts.push(sent.elapsed());
        }
        rtts.sort();
        let median = rtts.get(rtts.len() / 2).copied().unwrap_or_default();
        println!("{}", median.as_micros());
        return Ok(());
    }
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    for _ in 0..window {
        socket.send_to(&request, agent).map_err(|e| e.to_string())?;
    }
    let mut answered: u64 = 0;
    while Instant::now() < deadline {
        match socket.recv_from(&mut buf) {
            Ok(_) => {
                answered += 1;
                // Each answer frees a slot in the window.
                let _ = socket.send_to(&request, agent);
            }
            // Datagrams lost under load: refill the window.
            Err(_) => {
                for _ in 0..window {
                    let _ = socket.send_to(&request, agent);
                }
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("{:.0}", answered as f64 / elapsed);
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("snmp_load: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
