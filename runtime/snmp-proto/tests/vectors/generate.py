#!/usr/bin/env python3
"""Regenerates usm-keys.tsv and usm-encrypt.tsv beside this script.

Neither CI nor the tests run this: `tests/usm_vectors.rs` reads the TSV files it wrote.
It documents exactly where every vector came from, so anyone can make them again.

Sources (both independent of smic):

- net-snmp's snmpd (Debian package `snmpd`; the committed files come from 5.9.3).
  snmpd is started with a throw-away configuration holding one `createUser` line per
  combination; on shutdown it writes the keys it derived, localized, as `usmUser` lines
  into its persistent file, and those are read back. net-snmp has no 3DES.
  The encryption vectors come from the wire: snmpget (`-d`) and snmpd exchange one
  authPriv get per privacy protocol, and pysnmp (not smic) decrypts both packets with
  the key snmpd stored; the plaintext must be the scoped PDU that was asked for.
- pysnmp from PyPI (the committed files come from pysnmp 7.1.30 with cryptography
  50.0.2), driven through the same calls `pysnmp.entity.config.add_v3_user` makes:
  `AUTH_SERVICES[auth].hash_passphrase` / `.localize_key` and
  `PRIV_SERVICES[priv].hash_passphrase` / `.localize_key`. The encryption vectors come
  from the priv services' `encrypt_data`, with the service's salt counter (`local_int`)
  set beforehand so the salt is the one chosen here.

Where both sources give a key for the same combination they must agree, or this script
stops without writing anything.

Usage (from the repository root):

    python3 -m venv /tmp/pysnmp-venv
    /tmp/pysnmp-venv/bin/pip install pysnmp==7.1.30 cryptography
    /tmp/pysnmp-venv/bin/python runtime/snmp-proto/tests/vectors/generate.py

It needs snmpd and snmpget on PATH (Debian: `apt-get install snmpd snmp`); it starts
snmpd on a free port of 127.0.0.1 for a few seconds, three times, with configuration
and persistent files in temporary directories. The net-snmp encryption rows hold random
salts, so they differ from one run to the next; everything else comes out the same.
"""

import argparse
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pysnmp
from pyasn1.type import univ
from pysnmp.entity import config
from pysnmp.proto.secmod.eso.priv import aes192, aes256, des3
from pysnmp.proto.secmod.rfc3414.priv import des
from pysnmp.proto.secmod.rfc3826.priv import aes

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------
# What is generated.

# smic / net-snmp name -> pysnmp service OID (the constants add_v3_user takes).
AUTH = {
    "MD5": config.USM_AUTH_HMAC96_MD5,
    "SHA": config.USM_AUTH_HMAC96_SHA,
    "SHA-224": config.USM_AUTH_HMAC128_SHA224,
    "SHA-256": config.USM_AUTH_HMAC192_SHA256,
    "SHA-384": config.USM_AUTH_HMAC256_SHA384,
    "SHA-512": config.USM_AUTH_HMAC384_SHA512,
}
# pysnmp's class names run the other way round from what one might guess:
# `AesBlumenthal192` is the Blumenthal extension (net-snmp's AES-192), `Aes192` the
# Reeder one (net-snmp's AES-192-C, Cisco's).
PRIV = {
    "DES": config.USM_PRIV_CBC56_DES,
    "3DES": config.USM_PRIV_CBC168_3DES,
    "AES": config.USM_PRIV_CFB128_AES,
    "AES-192": config.USM_PRIV_CFB192_AES_BLUMENTHAL,
    "AES-256": config.USM_PRIV_CFB256_AES_BLUMENTHAL,
    "AES-192-C": config.USM_PRIV_CFB192_AES,
    "AES-256-C": config.USM_PRIV_CFB256_AES,
}
PRIV_CLASS = {
    "DES": des.Des,
    "3DES": des3.Des3,
    "AES": aes.Aes,
    "AES-192": aes192.AesBlumenthal192,
    "AES-256": aes256.AesBlumenthal256,
    "AES-192-C": aes192.Aes192,
    "AES-256-C": aes256.Aes256,
}
NETSNMP_PRIVS = ["DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"]

# net-snmp's usmUser lines name protocols by OID.
NETSNMP_AUTH_OID = {
    ".1.3.6.1.6.3.10.1.1.2": "MD5",
    ".1.3.6.1.6.3.10.1.1.3": "SHA",
    ".1.3.6.1.6.3.10.1.1.4": "SHA-224",
    ".1.3.6.1.6.3.10.1.1.5": "SHA-256",
    ".1.3.6.1.6.3.10.1.1.6": "SHA-384",
    ".1.3.6.1.6.3.10.1.1.7": "SHA-512",
}
NETSNMP_PRIV_OID = {
    ".1.3.6.1.6.3.10.1.2.1": "-",
    ".1.3.6.1.6.3.10.1.2.2": "DES",
    ".1.3.6.1.6.3.10.1.2.4": "AES",
    ".1.3.6.1.4.1.14832.1.3": "AES-192",
    ".1.3.6.1.4.1.14832.1.4": "AES-256",
    ".1.3.6.1.4.1.9.12.6.1.1": "AES-192-C",
    ".1.3.6.1.4.1.9.12.6.1.2": "AES-256-C",
}

# Password pairs (auth, priv). net-snmp wants at least 8 characters; C's auth password
# is longer than a 64-octet block, so the expansion wraps it mid-block, and its priv
# password is the shortest allowed. B is RFC 3414 A.3's.
PAIRS = {
    "A": ("authpass1234", "privpass5678"),
    "B": ("maplesyrup", "maplesyrup"),
    "C": ("a-passphrase-longer-than-one-64-octet-block-of-the-expansion-0123456789", "12345678"),
}

# Engines: text engine IDs as snmpd's `engineID` directive makes them (0x80001f88,
# format 04, the text), and RFC 3414 A.3's engine, given to `createUser -e`.
def text_engine(text):
    return "80001f8804" + text.encode().hex()


E1 = text_engine("smictest")
E2 = text_engine("smic-second-engine")
E3 = "000000000000000000000002"

# One snmpd run per `engineID`: (engineID text, [(engine hex, -e or None, pair)]).
RUNS = [
    ("smictest", [(E1, None, "A"), (E1, None, "B"), (E3, E3, "A"), (E3, E3, "B")]),
    ("smic-second-engine", [(E2, None, "A"), (E2, None, "C")]),
]

# The key every encryption vector uses: the localized privacy key of this user.
ENCRYPT_KEY_USER = (E1, "SHA", "A")
ENCRYPT_KEY_USER_MD5 = (E2, "MD5", "C")

# (boots, time, salt, plaintext length). DES/3DES take only the low 32 bits of the salt
# (pysnmp's DES counter is 32 bits), so their salts fit in 32 bits.
ENCRYPT_CASES_CBC = [
    (0, 0, 0x00000000, 1),
    (1, 1, 0x00000001, 13),
    (17, 98765, 0x89ABCDEF, 45),
    (0x7FFFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 100),
    # A multiple of 8: pysnmp pads a whole block of zeros anyway (RFC 3414 §8.1.1.2
    # pads only "as necessary", smic does not): a decrypt-only vector.
    (5, 300, 0x01020304, 16),
]
ENCRYPT_CASES_CFB = [
    (0, 0, 0x0000000000000000, 1),
    (1, 1, 0x0000000000000001, 13),
    (17, 98765, 0x0123456789ABCDEF, 45),
    (0x7FFFFFFF, 0x7FFFFFFF, 0xFFFFFFFFFFFFFFFF, 100),
    (5, 300, 0x8000000000000000, 32),
]

# ---------------------------------------------------------------------------------------
# net-snmp.


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def netsnmp_version():
    out = subprocess.run(["snmpd", "-v"], capture_output=True, text=True).stdout
    match = re.search(r"NET-SNMP version:\s*(\S+)", out)
    if not match:
        sys.exit("cannot tell snmpd's version")
    return match.group(1)


def run_snmpd(conf_lines, while_running=None):
    """Runs snmpd with `conf_lines` as its whole configuration, calls
    `while_running(port)` if given, stops it; returns (its persistent snmpd.conf, what
    the call returned)."""
    with tempfile.TemporaryDirectory(prefix="smic-usm-vectors-") as tmp:
        tmp = Path(tmp)
        persist = tmp / "persist"
        persist.mkdir()
        conf = tmp / "snmpd.conf"
        conf.write_text("\n".join(conf_lines) + "\n")
        log = tmp / "snmpd.log"
        env = dict(os.environ, SNMP_PERSISTENT_DIR=str(persist), MIBS="")
        port = free_udp_port()
        # -f: foreground; -C: no other configuration; -I -smux: no SMUX port to fight
        # over.
        proc = subprocess.Popen(
            ["snmpd", "-f", "-C", "-c", str(conf), "-I", "-smux", "-Lf", str(log),
             f"udp:127.0.0.1:{port}"],
            env=env,
        )
        try:
            deadline = time.time() + 10
            while time.time() < deadline:
                if proc.poll() is not None:
                    sys.exit(f"snmpd exited early:\n{log.read_text()}")
                if log.exists() and "NET-SNMP version" in log.read_text():
                    break
                time.sleep(0.1)
            time.sleep(0.5)
            result = while_running(port) if while_running else None
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        text = log.read_text()
        if "Error" in text or "error" in text:
            sys.exit(f"snmpd complained:\n{text}")
        return (persist / "snmpd.conf").read_text(), result


def stored_users(stored):
    """{name: (engine hex, auth, auth kul, priv, priv kul)} from snmpd's usmUser lines."""
    found = {}
    pattern = re.compile(
        r'^usmUser 1 3 0x([0-9a-f]+) "([^"]+)" "[^"]+" NULL (\S+) (\S+) (\S+) (\S+) ""$'
    )
    for line in stored.splitlines():
        if not line.startswith("usmUser "):
            continue
        m = pattern.match(line)
        if not m:
            sys.exit(f"unexpected usmUser line: {line}")
        engine, name, auth_oid, auth_kul, priv_oid, priv_kul = m.groups()
        auth = NETSNMP_AUTH_OID[auth_oid]
        priv = NETSNMP_PRIV_OID[priv_oid]
        auth_kul = auth_kul.removeprefix("0x")
        priv_kul = "-" if priv == "-" else priv_kul.removeprefix("0x")
        found[name] = (engine, auth, auth_kul, priv, priv_kul)
    return found


def netsnmp_users(engine_text, users):
    """Runs snmpd once; returns {name: (engine hex, auth, auth kul, priv, priv kul)}."""
    lines = [f"engineID {engine_text}"]
    for name, (engine_opt, auth, auth_pw, priv, priv_pw) in users.items():
        e = f"-e 0x{engine_opt} " if engine_opt else ""
        tail = f" {priv} {priv_pw}" if priv != "-" else ""
        lines.append(f"createUser {e}{name} {auth} {auth_pw}{tail}")
    stored, _ = run_snmpd(lines)
    return stored_users(stored)


def netsnmp_rows(source):
    rows = []
    for engine_text, plan in RUNS:
        users = {}
        expected = {}
        for engine, engine_opt, pair in plan:
            auth_pw, priv_pw = PAIRS[pair]
            for auth in AUTH:
                for priv in ["-"] + NETSNMP_PRIVS:
                    name = f"u{len(users)}"
                    users[name] = (engine_opt, auth, auth_pw, priv,
                                   priv_pw if priv != "-" else "-")
                    expected[name] = (engine, auth, auth_pw, priv,
                                      priv_pw if priv != "-" else "-")
        found = netsnmp_users(engine_text, users)
        if set(found) != set(users):
            missing = sorted(set(users) - set(found))
            sys.exit(f"snmpd did not store users {missing} (protocol not built in?)")
        for name, (engine, auth, auth_pw, priv, priv_pw) in expected.items():
            got_engine, got_auth, auth_kul, got_priv, priv_kul = found[name]
            if (got_engine, got_auth, got_priv) != (engine, auth, priv):
                sys.exit(f"{name}: asked for {engine} {auth} {priv}, snmpd stored "
                         f"{got_engine} {got_auth} {got_priv}")
            rows.append((source, engine, auth, auth_pw, priv, priv_pw, auth_kul, priv_kul))
    return rows


# net-snmp on the wire: snmpget and snmpd exchange one authPriv get per user, `snmpget -d`
# prints both packets, and pysnmp (not smic) decrypts them with the privacy key snmpd
# stored. The decrypted plaintext keeps whatever padding net-snmp added.

NETSNMP_ENCRYPT_AUTHS = ["SHA", "MD5"]
NETSNMP_GET_OID = "1.3.6.1.2.1.1.3.0"


def parse_dump(text):
    """[(direction, packet)] from what `snmpget -d` printed."""
    packets = []
    current = None
    for line in text.splitlines():
        header = re.match(r"^(Sending|Received) (\d+) byte", line)
        if header:
            current = (header.group(1), int(header.group(2)), bytearray())
            packets.append(current)
        elif current is not None and re.match(r"^[0-9]{4}: ", line):
            current[2].extend(bytes.fromhex("".join(line[6:56].split())))
        else:
            current = None
    for direction, length, data in packets:
        if len(data) != length:
            sys.exit(f"snmpget -d: {direction} {length} bytes, parsed {len(data)}")
    return [(direction, bytes(data)) for direction, _, data in packets]


def netsnmp_encrypt_rows(version):
    from pyasn1.codec.ber import decoder
    from pysnmp.proto.mpmod.rfc3412 import ScopedPDU, SNMPv3Message
    from pysnmp.proto.secmod.rfc3414.service import UsmSecurityParameters

    auth_pw, priv_pw = PAIRS["A"]
    users = {}
    lines = ["engineID smictest"]
    for auth in NETSNMP_ENCRYPT_AUTHS:
        for priv in NETSNMP_PRIVS:
            name = f"e{len(users)}"
            users[name] = (auth, priv)
            lines.append(f"createUser {name} {auth} {auth_pw} {priv} {priv_pw}")
            lines.append(f"rouser {name} priv")

    def exchange(port):
        dumps = {}
        with tempfile.TemporaryDirectory(prefix="smic-usm-vectors-client-") as tmp:
            env = dict(os.environ, MIBS="", SNMPCONFPATH=tmp, SNMP_PERSISTENT_DIR=tmp)
            for name, (auth, priv) in users.items():
                done = subprocess.run(
                    ["snmpget", "-v3", "-l", "authPriv", "-u", name, "-a", auth, "-A",
                     auth_pw, "-x", priv, "-X", priv_pw, "-d", "-On", "-r", "0", "-t",
                     "5", f"127.0.0.1:{port}", NETSNMP_GET_OID],
                    env=env, capture_output=True, text=True,
                )
                if done.returncode != 0 or "Timeticks" not in done.stdout:
                    sys.exit(f"snmpget {name} ({auth}/{priv}) failed:\n{done.stdout}"
                             f"{done.stderr}")
                dumps[name] = done.stdout + done.stderr
        return dumps

    stored, dumps = run_snmpd(lines, exchange)
    keys = stored_users(stored)
    rows = []
    for name, (auth, priv) in users.items():
        engine, _, _, stored_priv, priv_kul = keys[name]
        if stored_priv != priv:
            sys.exit(f"{name}: snmpd stored {stored_priv}, not {priv}")
        key = bytes.fromhex(priv_kul)
        encrypted = 0
        for direction, packet in parse_dump(dumps[name]):
            msg, rest = decoder.decode(packet, asn1Spec=SNMPv3Message())
            if rest or msg["msgData"].getName() != "encryptedPDU":
                continue
            sec, _ = decoder.decode(bytes(msg["msgSecurityParameters"]),
                                    asn1Spec=UsmSecurityParameters())
            boots = int(sec["msgAuthoritativeEngineBoots"])
            etime = int(sec["msgAuthoritativeEngineTime"])
            params = bytes(sec["msgPrivacyParameters"])
            cipher = bytes(msg["msgData"]["encryptedPDU"])
            plain = bytes(PRIV_CLASS[priv]().decrypt_data(
                univ.OctetString(key), (boots, etime, univ.OctetString(params)),
                univ.OctetString(cipher),
            ))
            # The decryption is right if it is a scoped PDU for our engine and OID.
            scoped, padding = decoder.decode(plain, asn1Spec=ScopedPDU())
            pdu = scoped["data"].getComponent()
            oid = str(pdu["variable-bindings"][0]["name"])
            if bytes(scoped["contextEngineId"]).hex() != engine or oid != NETSNMP_GET_OID:
                sys.exit(f"{name}: {priv} decrypts to an unexpected scoped PDU")
            cbc = priv in ("DES", "3DES")
            if cbc:
                salt = int.from_bytes(params[4:], "big")
                check = "both" if params[:4] == boots.to_bytes(4, "big") else "decrypt"
            else:
                salt = int.from_bytes(params, "big")
                check = "both"
            who = "snmpget" if direction == "Sending" else "snmpd"
            rows.append((f"net-snmp-{version}/{who}", priv, key.hex(), str(boots),
                         str(etime), f"{salt:016x}", plain.hex(), cipher.hex(),
                         params.hex(), check))
            encrypted += 1
        if encrypted != 2:
            sys.exit(f"{name}: {encrypted} encrypted packets, not 2 (request, response)")
    return rows


# ---------------------------------------------------------------------------------------
# pysnmp.


def pysnmp_auth_kul(engine, auth, password):
    service = config.AUTH_SERVICES[AUTH[auth]]
    master = service.hash_passphrase(univ.OctetString(password.encode()))
    return bytes(service.localize_key(master, univ.OctetString(hexValue=engine)))


def pysnmp_priv_kul(engine, auth, priv, password):
    service = config.PRIV_SERVICES[PRIV[priv]]
    master = service.hash_passphrase(AUTH[auth], univ.OctetString(password.encode()))
    key = service.localize_key(AUTH[auth], master, univ.OctetString(hexValue=engine))
    return bytes(key)


def pysnmp_rows(source):
    rows = []
    for _, plan in RUNS:
        for engine, _, pair in plan:
            auth_pw, priv_pw = PAIRS[pair]
            for auth in AUTH:
                auth_kul = pysnmp_auth_kul(engine, auth, auth_pw).hex()
                rows.append((source, engine, auth, auth_pw, "-", "-", auth_kul, "-"))
                for priv in PRIV:
                    priv_kul = pysnmp_priv_kul(engine, auth, priv, priv_pw).hex()
                    rows.append((source, engine, auth, auth_pw, priv, priv_pw, auth_kul,
                                 priv_kul))
    return rows


def plaintext(label, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


def pysnmp_encrypt_rows(source):
    rows = []
    for priv, cls in PRIV_CLASS.items():
        cbc = priv in ("DES", "3DES")
        cases = ENCRYPT_CASES_CBC if cbc else ENCRYPT_CASES_CFB
        for key_user in (ENCRYPT_KEY_USER, ENCRYPT_KEY_USER_MD5):
            engine, auth, pair = key_user
            key = pysnmp_priv_kul(engine, auth, priv, PAIRS[pair][1])
            for index, (boots, etime, salt, length) in enumerate(cases):
                data = plaintext(f"{priv}/{auth}/{index}", length)
                service = cls()
                service.local_int = salt
                cipher, params = service.encrypt_data(
                    univ.OctetString(key), (boots, etime, None), data
                )
                cipher, params = bytes(cipher), bytes(params)
                # Check pysnmp reads its own output back, and the salt is the one set.
                back = cls().decrypt_data(
                    univ.OctetString(key), (boots, etime, univ.OctetString(params)),
                    univ.OctetString(cipher),
                )
                if bytes(back)[:length] != data or any(bytes(back)[length:]):
                    sys.exit(f"pysnmp does not decrypt its own {priv} output")
                want = (boots.to_bytes(4, "big") + salt.to_bytes(4, "big")
                        if cbc else salt.to_bytes(8, "big"))
                if params != want:
                    sys.exit(f"{priv}: pysnmp used salt {params.hex()}, not {want.hex()}")
                padded = len(cipher) != (-(-length // 8) * 8 if cbc else length)
                check = "decrypt" if padded else "both"
                rows.append((source, priv, key.hex(), str(boots), str(etime),
                             f"{salt:016x}", data.hex(), cipher.hex(), params.hex(),
                             check))
    return rows


# ---------------------------------------------------------------------------------------
# Cross-check and write.


def cross_check(net_rows, py_rows):
    py = {r[1:6]: r[6:] for r in py_rows}
    agreed = 0
    for r in net_rows:
        other = py.get(r[1:6])
        if other is None:
            continue
        if other != r[6:]:
            sys.exit(f"net-snmp and pysnmp disagree on {r[1:6]}:\n"
                     f"  net-snmp {r[6:]}\n  pysnmp   {other}")
        agreed += 1
    return agreed


KEYS_HEADER = """\
# Localized USM keys (RFC 3414 §A.2 password-to-key and localization, RFC 7860 SHA-2,
# key extension for 3DES and AES-192/256), each as an independent implementation derived
# it. Checked by tests/usm_vectors.rs; regenerate with tests/vectors/generate.py (see
# there for the exact method).
#
# Generated {date} from:
{sources}
#
# Columns (tab-separated; "-" where a user has no privacy):
#   source         which implementation produced the keys on the row
#   engine_id      the authoritative snmpEngineID, hex
#   auth           authentication protocol, net-snmp's name (MD5, SHA, SHA-224 ... SHA-512)
#   auth_password  the authentication passphrase (ASCII)
#   priv           privacy protocol: DES, 3DES, AES (128), AES-192/AES-256 (Blumenthal
#                  key extension, draft-blumenthal-aes-usm-04), AES-192-C/AES-256-C
#                  (Reeder key extension, as Cisco; net-snmp's -C names, pysnmp's
#                  Aes192/Aes256 classes), 3DES (Reeder, draft-reeder-snmpv3-usm-3desede)
#   priv_password  the privacy passphrase, hashed with the authentication protocol
#   auth_kul       the localized authentication key, hex
#   priv_kul       the localized privacy key as the cipher uses it (extended and cut to
#                  16 octets for DES and AES, 24 for AES-192, 32 for 3DES and AES-256), hex
#
# Engines:
#   {e1:<48} snmpd's `engineID smictest`
#   {e2:<48} snmpd's `engineID smic-second-engine`
#   {e3:<48} RFC 3414 A.3's, given to snmpd's
#   {blank:<48} `createUser -e`; its MD5 and SHA auth keys
#   {blank:<48} for "maplesyrup" are A.3.1's and A.3.2's
# net-snmp has no 3DES: pysnmp is the only source for those rows. Where both sources cover
# a combination ({agreed} combinations) their keys are identical.
"""

ENCRYPT_HEADER = """\
# USM encryption vectors: the ciphertext and msgPrivacyParameters a privacy protocol
# produces for a localized key, snmpEngineBoots, snmpEngineTime and salt. Checked by
# tests/usm_vectors.rs; regenerate with tests/vectors/generate.py.
#
# Generated {date} from:
{sources}
#
# net-snmp rows: one authPriv get of {oid} per privacy protocol, by users with
# auth SHA and MD5, passwords "authpass1234"/"privpass5678", at engine
#   {e1} (snmpd's `engineID smictest`):
# the request as snmpget encrypted it and the response as snmpd did, printed by
# `snmpget -d`, decrypted by pysnmp with the privacy key snmpd stored, and checked to be
# the scoped PDU asked for. For DES the plaintext ends with net-snmp's padding (n octets
# of value n; smic pads with zeros; RFC 3414 §8.1.1.2: the pad value is irrelevant).
#
# pysnmp rows: each priv service's encrypt_data, its salt counter (local_int) set to
# `salt` first. The keys are pysnmp's localized privacy keys (also in usm-keys.tsv) for
#   auth SHA, priv password "privpass5678", engine {e1}, and
#   auth MD5, priv password "12345678", engine
#   {e2}.
# net-snmp has no 3DES: pysnmp is the only source for it.
#
# Columns (tab-separated):
#   source       the implementation that encrypted
#   priv         DES, 3DES, AES, AES-192, AES-256, AES-192-C, AES-256-C (the -C and plain
#                AES-192/256 encrypt alike; their keys differ)
#   key          the localized privacy key, hex (DES: key || pre-IV; 3DES: 24-octet key ||
#                pre-IV)
#   boots, time  snmpEngineBoots and snmpEngineTime, decimal (AES puts both in the IV;
#                DES and 3DES put boots in msgPrivacyParameters)
#   salt         the sender's salt counter, 64-bit hex (DES and 3DES use its low 32 bits)
#   plaintext    hex
#   ciphertext   hex
#   priv_params  msgPrivacyParameters, hex
#   check        "both": encrypting plaintext gives exactly ciphertext and priv_params,
#                and decrypting gives plaintext back; "decrypt": only decryption is
#                checked, because pysnmp pads a DES/3DES plaintext that is already a
#                multiple of 8 octets with a further 8 zero octets (RFC 3414 §8.1.1.2
#                pads only as necessary, and smic does) - decrypting gives the plaintext
#                then those zeros.
"""


def write_tsv(path, header, columns, rows):
    with open(path, "w") as f:
        f.write(header)
        f.write("\t".join(columns) + "\n")
        for row in rows:
            f.write("\t".join(row) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()

    import cryptography

    py_source = f"pysnmp-{pysnmp.__version__}"
    py_rows = pysnmp_rows(py_source)
    sources = [f"#   {py_source} (PyPI, with cryptography {cryptography.__version__}, "
               f"Python {sys.version.split()[0]})"]
    net_source = f"net-snmp-{netsnmp_version()}"
    net_rows = netsnmp_rows(net_source)
    agreed = cross_check(net_rows, py_rows)
    date = time.strftime("%Y-%m-%d")

    write_tsv(
        HERE / "usm-keys.tsv",
        KEYS_HEADER.format(date=date,
                           sources="\n".join([f"#   {net_source} (snmpd's persistent "
                                               "usmUser lines)"] + sources), e1=E1, e2=E2, e3=E3,
                           blank="", agreed=agreed),
        ["source", "engine_id", "auth", "auth_password", "priv", "priv_password",
         "auth_kul", "priv_kul"],
        net_rows + py_rows,
    )
    enc_rows = netsnmp_encrypt_rows(netsnmp_version()) + pysnmp_encrypt_rows(py_source)
    write_tsv(
        HERE / "usm-encrypt.tsv",
        ENCRYPT_HEADER.format(date=date,
                              sources="\n".join([f"#   {net_source} (snmpget and snmpd "
                                                  "on the wire)"] + sources),
                              oid=NETSNMP_GET_OID, e1=E1, e2=E2),
        ["source", "priv", "key", "boots", "time", "salt", "plaintext", "ciphertext",
         "priv_params", "check"],
        enc_rows,
    )
    print(f"usm-keys.tsv: {len(net_rows)} net-snmp rows, {len(py_rows)} pysnmp rows, "
          f"{agreed} combinations in both, all agreeing")
    net_enc = sum(1 for row in enc_rows if row[0].startswith("net-snmp"))
    print(f"usm-encrypt.tsv: {net_enc} net-snmp rows, {len(enc_rows) - net_enc} pysnmp "
          "rows")


if __name__ == "__main__":
    main()
