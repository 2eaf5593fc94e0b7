#!/usr/bin/env python3
"""Kapsel test servers: the self-test that proves the servers started by servers.sh work as a
mail/PIM client needs them (IMAP/ACL/IDLE, submission, Sieve vacation, LDAP paging/TLS,
CalDAV/CardDAV on Radicale and Xandikos, WsgiDAV, nginx 304s, mbsync). Owns nothing but its
own check data (unique names per run, so it can run again against the same servers).

    tests/servers/servers.sh start && python3 tests/servers/selftest.py; tests/servers/servers.sh stop

Reads the addresses and credentials from DIR/env, the file servers.sh start writes. DIR is the
first argument, else $KAPSEL_TEST_SERVERS_DIR, else /tmp/kts. Standard library only, plus the
curl, ldapsearch, ldapwhoami and mbsync commands. Prints one line per check and
"N passed, N failed" at the end; exit code 1 if anything failed (or DIR/env is missing).
"""
import base64
import email
import imaplib
import mailbox
import os
import shutil
import re
import smtplib
import socket
import ssl
import subprocess
import sys
import time
import traceback

DIR = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KAPSEL_TEST_SERVERS_DIR", "/tmp/kts")
ENV_FILE = os.path.join(DIR, "env")


def read_env(path):
    """DIR/env: lines `export NAME=value` or `export NAME='value'` (no quotes inside values)."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line.rstrip("\n"))
            if not m or line.lstrip().startswith("#"):
                continue
            val = m.group(2)
            if len(val) >= 2 and val[0] == val[-1] and val[0] in "'\"":
                val = val[1:-1]
            env[m.group(1)] = val
    return env


if not os.path.isfile(ENV_FILE):
    print(f"FAIL setup: {ENV_FILE} not found: run tests/servers/servers.sh start first")
    print("0 passed, 1 failed")
    sys.exit(1)
os.environ.update(read_env(ENV_FILE))    # subprocesses (ldapsearch, mbsync) see them too
E = os.environ
HOST = E.get("TEST_HOST", "127.0.0.1")
CA = E["TEST_CA_FILE"]
PW = E["TEST_PASSWORD"]
# Radicale and nginx in front of Xandikos take the directory password (the one Kapsel keys with)
DAVPW = E["TEST_MAIL_STRONG_PASSWORD"]
CTX = ssl.create_default_context(cafile=CA)  # verifies the chain and the name/IP
HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = []
RUN = time.strftime("%H%M%S")   # unique names: the checks can run again against the same servers


def check(name):
    def deco(fn):
        t = time.time()
        try:
            detail = fn()
            RESULTS.append(True)
            print(f"PASS {name} ({time.time() - t:.1f}s){': ' + detail if detail else ''}", flush=True)
        except Exception as e:  # noqa: BLE001
            RESULTS.append(False)
            print(f"FAIL {name}: {e!r}", flush=True)
            traceback.print_exc(limit=3)
        return fn
    return deco


def ok(typ_dat, what=""):
    typ, dat = typ_dat
    assert typ == "OK", f"{what}: {typ} {dat}"
    return dat


def imap(user, starttls=False):
    if starttls:
        m = imaplib.IMAP4(HOST, int(E["TEST_IMAP_PORT"]))
        m.starttls(ssl_context=CTX)
    else:
        m = imaplib.IMAP4_SSL(HOST, int(E["TEST_IMAPS_PORT"]), ssl_context=CTX)
    m.login(user, PW)
    return m


def sink_messages():
    return [email.message_from_bytes(m.as_bytes())
            for m in mailbox.Maildir(E["TEST_SMTP_SINK_MAILDIR"], create=False)]


def wait_sink(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        hits = [m for m in sink_messages() if pred(m)]
        if hits:
            return hits
        time.sleep(0.2)
    raise AssertionError("no matching message reached the SMTP sink")


def lmtp_deliver(sender, rcpt, raw):
    lm = smtplib.LMTP(HOST, int(E["TEST_LMTP_PORT"]))
    lm.ehlo("client.test")
    refused = lm.sendmail(sender, [rcpt], raw)
    lm.quit()
    assert not refused, refused


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ------------------------------------------------------------------ IMAP
@check("imap: STARTTLS on the plain port, then login; post-login CAPABILITY")
def _():
    m = imap("alice@corp.test", starttls=True)
    caps = ok(m.capability())[0].decode().split()
    m.logout()
    # imaplib keeps the pre-login list in m.capabilities: ask again after LOGIN
    need = {"IDLE", "CONDSTORE", "QRESYNC", "ACL", "NAMESPACE", "UIDPLUS", "MOVE", "SPECIAL-USE", "LIST-EXTENDED"}
    missing = need - set(caps)
    assert not missing, missing
    return " ".join(sorted(need))


@check("imap: implicit TLS, LIST, SELECT, APPEND, CONDSTORE MODSEQ")
def _():
    m = imap("alice@corp.test")
    boxes = ok(m.list('""', "*"))
    names = [b.decode().rsplit(' "/" ', 1)[1].strip('"') for b in boxes]
    for n in ("INBOX", "Sent", "Drafts", "Trash", "Public/poststelle"):
        assert n in names, (n, names)
    ok(m.append("INBOX", None, None, b"From: alice@corp.test\r\nTo: alice@corp.test\r\n"
                b"Subject: selftest append\r\nMessage-ID: <append@corp.test>\r\n\r\nbody\r\n"))
    ok(m._simple_command("ENABLE", "QRESYNC"))
    ok(m.select("INBOX"))
    hm = m.untagged_responses.get("OK", [])
    assert any(b"HIGHESTMODSEQ" in x for x in hm), hm
    dat = ok(m.fetch("1:*", "(UID FLAGS MODSEQ)"))
    assert b"MODSEQ" in dat[0], dat
    m.logout()
    return f"{len(names)} mailboxes"


@check("imap ACL: alice SETACL, bob MYRIGHTS/LIST/SELECT shared/alice@corp.test/INBOX; carol refused")
def _():
    a = imap("alice@corp.test")
    ok(a.setacl("INBOX", "bob@corp.test", "lrs"))
    acl = ok(a.getacl("INBOX"))[0].decode()
    assert "bob@corp.test lrs" in acl, acl
    a.logout()
    b = imap("bob@corp.test")
    ns = ok(b.namespace())[0].decode()
    assert '"shared/"' in ns and '"Public/"' in ns, ns
    lst = b"".join(ok(b.list('""', "shared/*"))).decode()
    # Dovecot 2.3 lists the other user's INBOX as the namespace root "shared/alice@corp.test"
    # (selectable); "shared/alice@corp.test/INBOX" opens the same mailbox
    assert "shared/alice@corp.test" in lst, lst
    rights = ok(b.myrights("shared/alice@corp.test/INBOX"))[0].decode()
    assert rights.endswith(" lrs"), rights
    n = int(ok(b.select("shared/alice@corp.test/INBOX", readonly=True))[0])
    assert n >= 1
    subj = ok(b.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
    assert b"selftest append" in b"".join(x[1] for x in subj if isinstance(x, tuple))
    typ, _ = b.append("shared/alice@corp.test/INBOX", None, None, b"Subject: x\r\n\r\nx\r\n")
    assert typ == "NO", "bob has no 'i' right but APPEND worked"
    b.logout()
    c = imap("carol@corp.test")
    typ, dat = c.select("shared/alice@corp.test/INBOX")
    assert typ == "NO", dat
    c.logout()
    return f"bob sees {n} messages, rights {rights.split()[-1]}"


@check("imap public namespace: Public/poststelle readable by alice and bob, not carol")
def _():
    for u in ("alice@corp.test", "bob@corp.test"):
        m = imap(u)
        n = int(ok(m.select("Public/poststelle", readonly=True))[0])
        assert n >= 1, (u, n)
        m.logout()
    c = imap("carol@corp.test")
    typ, dat = c.select("Public/poststelle")
    assert typ == "NO", dat
    c.logout()


@check("imap IDLE sees a message delivered over LMTP")
def _():
    m = imap("alice@corp.test")
    ok(m.select("INBOX"))
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    assert m.readline().startswith(b"+"), "no IDLE continuation"
    lmtp_deliver("news@example.org", "alice@corp.test",
                 b"From: news@example.org\r\nTo: alice@corp.test\r\nSubject: idle push\r\n"
                 b"Message-ID: <idle@example.org>\r\n\r\nhello\r\n")
    m.sock.settimeout(10)
    line = m.readline()
    assert re.match(rb"\* \d+ EXISTS", line), line
    m.send(b"DONE\r\n")
    while not m.readline().startswith(tag):
        pass
    m.logout()
    return line.decode().strip()


# ------------------------------------------------------------------ submission -> sink
@check("strict address 127.0.0.2: no AUTH before STARTTLS (IMAP LOGINDISABLED, submission, sieve)")
def _():
    strict = E["TEST_STRICT_HOST"]
    m = imaplib.IMAP4(strict, int(E["TEST_IMAP_PORT"]))
    assert "LOGINDISABLED" in m.capabilities, m.capabilities
    try:
        m.login("alice@corp.test", PW)
        raise AssertionError("LOGIN accepted before STARTTLS")
    except imaplib.IMAP4.error:
        pass
    m = imaplib.IMAP4(strict, int(E["TEST_IMAP_PORT"]))
    m.starttls(ssl_context=CTX)      # the certificate carries IP:127.0.0.2 as well
    m.login("alice@corp.test", PW)
    m.logout()
    s = smtplib.SMTP(strict, int(E["TEST_SUBMISSION_PORT"]))
    s.ehlo()
    assert not s.esmtp_features.get("auth", "").strip(), s.esmtp_features
    code, msg = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0alice@corp.test\0" + PW.encode()).decode())
    assert code >= 500, (code, msg)
    s.quit()
    sock = socket.create_connection((strict, int(E["TEST_SIEVE_PORT"])), timeout=10)
    f = sock.makefile("rb")
    greeting = []
    while not greeting or not greeting[-1].startswith("OK"):
        greeting.append(f.readline().decode().strip())
    assert '"SASL" ""' in greeting, greeting
    sock.sendall(b'AUTHENTICATE "PLAIN" "' + base64.b64encode(b"\0alice@corp.test\0" + PW.encode()) + b'"\r\n')
    answer = f.readline().decode()
    assert answer.startswith("NO"), answer
    sock.close()
    # on 127.0.0.1 the same server offers AUTH before TLS (loopback counts as secure)
    s = smtplib.SMTP(HOST, int(E["TEST_SUBMISSION_PORT"]))
    s.ehlo()
    loose = s.esmtp_features.get("auth", "").strip()
    s.quit()
    return f"strict: refused ({code}); 127.0.0.1 offers AUTH {loose} before TLS"


@check("submission: STARTTLS + AUTH PLAIN as alice relays into the SMTP sink")
def _():
    s = smtplib.SMTP(HOST, int(E["TEST_SUBMISSION_PORT"]))
    s.ehlo()
    s.starttls(context=CTX)
    s.ehlo()
    s.user, s.password = "alice@corp.test", PW
    code, _ = s.auth("PLAIN", s.auth_plain)
    assert code == 235
    mid = f"<sub-{time.time()}@corp.test>"
    s.sendmail("alice@corp.test", ["someone@example.org"],
               f"From: alice@corp.test\r\nTo: someone@example.org\r\nSubject: via submission\r\n"
               f"Message-ID: {mid}\r\n\r\nHallo\r\n")
    s.quit()
    hit = wait_sink(lambda m: m["Message-ID"] == mid)[0]
    assert hit["X-MailFrom"] == "alice@corp.test" and "someone@example.org" in hit["X-RcptTo"]
    # implicit TLS port too
    s = smtplib.SMTP_SSL(HOST, int(E["TEST_SUBMISSIONS_PORT"]), context=CTX)
    s.login("alice@corp.test", PW)
    s.quit()


# ------------------------------------------------------------------ ManageSieve + vacation
class ManageSieve:
    def __init__(self):
        self.sock = socket.create_connection((HOST, int(E["TEST_SIEVE_PORT"])), timeout=10)
        self.f = self.sock.makefile("rb")
        self.caps = self.response()

    def response(self):
        lines = []
        while True:
            line = self.f.readline().decode().rstrip("\r\n")
            lines.append(line)
            if line.startswith(("OK", "NO", "BYE")):
                return lines

    def cmd(self, line, literal=None):
        data = line.encode()
        if literal is not None:
            data += b" {%d+}\r\n" % len(literal) + literal
        self.sock.sendall(data + b"\r\n")
        r = self.response()
        assert r[-1].startswith("OK"), r
        return r

    def starttls(self):
        self.cmd("STARTTLS")
        self.sock = CTX.wrap_socket(self.sock, server_hostname="localhost")
        self.f = self.sock.makefile("rb")
        self.caps = self.response()      # capabilities again after TLS (RFC 5804)


@check("sieve: vacation script over ManageSieve; LMTP delivery triggers a reply at the sink")
def _():
    ms = ManageSieve()
    assert '"STARTTLS"' in ms.caps, ms.caps
    ms.starttls()
    auth = base64.b64encode(b"\0alice@corp.test\0" + PW.encode()).decode()
    ms.cmd(f'AUTHENTICATE "PLAIN" "{auth}"')
    script = (b'require ["vacation"];\r\n'
              b'vacation :days 1 :subject "Abwesend" :addresses ["alice@corp.test"]\r\n'
              b'  "Ich bin bis Montag nicht im Haus.";\r\n')
    ms.cmd("CHECKSCRIPT", script)
    ms.cmd('PUTSCRIPT "vacation"', script)
    ms.cmd('SETACTIVE "vacation"')
    assert any('"vacation" ACTIVE' in x for x in ms.cmd("LISTSCRIPTS"))
    ms.cmd("LOGOUT")
    sender = f"partner{int(time.time())}@example.org"
    lmtp_deliver(sender, "alice@corp.test",
                 f"From: Partner <{sender}>\r\nTo: Alice <alice@corp.test>\r\nSubject: Termin\r\n"
                 f"Message-ID: <vac-{sender}>\r\n\r\nPasst Montag?\r\n".encode())
    reply = wait_sink(lambda m: sender in (m["X-RcptTo"] or ""))[0]
    assert reply["Subject"] == "Abwesend" and reply["Auto-Submitted"].startswith("auto-replied"), dict(reply)
    # switch it off again (other checks deliver mail to alice)
    ms = ManageSieve()
    ms.starttls()
    ms.cmd(f'AUTHENTICATE "PLAIN" "{auth}"')
    ms.cmd('SETACTIVE ""')
    ms.cmd("LOGOUT")
    return f"reply from <{reply['X-MailFrom']}> to {reply['X-RcptTo']}"


# ------------------------------------------------------------------ LDAP
def ldapsearch(url, *args):
    return run(["ldapsearch", "-x", "-H", url, "-D", E["TEST_LDAP_BIND_DN"], "-w", E["TEST_LDAP_BIND_PASSWORD"],
                "-b", E["TEST_LDAP_USERS_DN"], "-LLL", *args], env={**E, "LDAPTLS_CACERT": CA})


@check("ldap: non-paged search stops at the size limit (1000, rc 4)")
def _():
    r = ldapsearch(E["TEST_LDAP_URL"], "(objectClass=adUser)", "dn")
    n = r.stdout.count("\ndn: ") + r.stdout.startswith("dn: ")
    assert r.returncode == 4 and n == 1000, (r.returncode, n, r.stderr)
    return f"{n} entries, rc {r.returncode}"


@check("ldap: paged search (pr=500) returns all entries")
def _():
    t = time.time()
    r = ldapsearch(E["TEST_LDAP_URL"], "-E", "pr=500/noprompt", "(objectClass=adUser)", "sAMAccountName")
    n = r.stdout.count("sAMAccountName: ")
    assert r.returncode == 0 and n > 1000, (r.returncode, n, r.stderr[-300:])
    assert n == int(E["TEST_LDAP_USER_COUNT"]), n
    return f"{n} entries in {time.time() - t:.1f}s"


@check("ldap: LDAPS and StartTLS with the test CA; AD attribute names")
def _():
    r = ldapsearch(E["TEST_LDAPS_URL"], "(sAMAccountName=alice)", "userPrincipalName", "department", "company", "mail")
    assert r.returncode == 0 and "userPrincipalName: alice@corp.test" in r.stdout, (r.stdout, r.stderr)
    r = ldapsearch(E["TEST_LDAP_URL"], "-ZZ", "(userPrincipalName=bob@corp.test)", "sAMAccountName")
    assert r.returncode == 0 and "sAMAccountName: bob" in r.stdout, (r.stdout, r.stderr)
    r = run(["ldapwhoami", "-x", "-H", E["TEST_LDAPS_URL"], "-D", "cn=Alice Anders,ou=Users,dc=corp,dc=test",
             "-w", PW], env={**E, "LDAPTLS_CACERT": CA})
    assert r.returncode == 0, r.stderr


# ------------------------------------------------------------------ CalDAV / CardDAV
MKCAL = b"""<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>Arbeit</D:displayname>
<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set>
</D:prop></D:set></C:mkcalendar>"""
MKAB = b"""<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>
<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:displayname>Kontakte</D:displayname>
</D:prop></D:set></D:mkcol>"""
SYNC = """<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>{}</D:sync-token><D:sync-level>1</D:sync-level>
<D:prop><D:getetag/></D:prop></D:sync-collection>"""
PROPFIND = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop>
<D:resourcetype/><D:displayname/><D:getetag/><D:sync-token/><CS:getctag/><D:current-user-principal/>
</D:prop></D:propfind>"""
EVENT = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kapsel//Test//DE\r\nBEGIN:VEVENT\r\n"
         "UID:{uid}\r\nDTSTAMP:20240101T090000Z\r\nDTSTART:20240115T100000Z\r\nDTEND:20240115T110000Z\r\n"
         "SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
VCARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Bob Berger\r\nN:Berger;Bob;;;\r\n"
         "EMAIL;TYPE=INTERNET:bob@corp.test\r\nEND:VCARD\r\n")


def curl(method, url, data=None, headers=(), user=None, extra=(), pw=None):
    cmd = ["curl", "-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "--cacert", CA, *extra]
    if user:
        cmd += ["-u", f"{user}:{pw or PW}"]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    r = subprocess.run(cmd + [url], input=data if isinstance(data, bytes) else (data or "").encode(),
                       capture_output=True)
    body, _, code = r.stdout.decode("utf-8", "replace").rpartition("\n")
    return int(code or 0), body


def dav_roundtrip(base, cal, ab, user=None):
    """MKCALENDAR, PUT, REPORT sync-collection (initial + incremental), PROPFIND; same for CardDAV."""
    xml = "Content-Type: application/xml; charset=utf-8"
    code, body = curl("MKCALENDAR", base + cal, MKCAL, [xml], user, pw=DAVPW)
    assert code == 201, (code, body)
    code, _ = curl("PUT", base + cal + "evt-1.ics", EVENT.format(uid="evt-1@corp.test", summary="Teambesprechung"),
                   ["Content-Type: text/calendar; charset=utf-8", "If-None-Match: *"], user, pw=DAVPW)
    assert code == 201, code
    code, body = curl("REPORT", base + cal, SYNC.format(""), [xml, "Depth: 1"], user, pw=DAVPW)
    assert code == 207 and "evt-1.ics" in body, (code, body)
    token = re.search(r"sync-token>([^<]+)<", body).group(1)
    curl("PUT", base + cal + "evt-2.ics", EVENT.format(uid="evt-2@corp.test", summary="Zweiter"),
         ["Content-Type: text/calendar; charset=utf-8"], user, pw=DAVPW)
    code, body = curl("REPORT", base + cal, SYNC.format(token), [xml, "Depth: 1"], user, pw=DAVPW)
    assert code == 207 and "evt-2.ics" in body and "evt-1.ics" not in body, (code, body)
    code, body = curl("PROPFIND", base + cal, PROPFIND, [xml, "Depth: 1"], user, pw=DAVPW)
    assert code == 207 and "calendar" in body and "getctag" in body, (code, body)
    code, body = curl("MKCOL", base + ab, MKAB, [xml], user, pw=DAVPW)
    assert code == 201, (code, body)
    code, _ = curl("PUT", base + ab + "card-1.vcf", VCARD.format(uid="card-1@corp.test"),
                   ["Content-Type: text/vcard; charset=utf-8"], user, pw=DAVPW)
    assert code == 201, code
    code, body = curl("REPORT", base + ab, SYNC.format(""), [xml, "Depth: 1"], user, pw=DAVPW)
    assert code == 207 and "card-1.vcf" in body, (code, body)
    code, body = curl("PROPFIND", base + ab, PROPFIND, [xml, "Depth: 0"], user, pw=DAVPW)
    assert code == 207 and "addressbook" in body, (code, body)


@check("radicale: CalDAV + CardDAV round trip with htpasswd auth; wrong password 401, other user 403")
def _():
    base = E["TEST_RADICALE_URL"]
    dav_roundtrip(base, f"alice@corp.test/arbeit-{RUN}/", f"alice@corp.test/kontakte-{RUN}/", user="alice@corp.test")
    assert curl("PROPFIND", base + "alice@corp.test/", extra=["-u", "alice@corp.test:wrong"])[0] == 401
    assert curl("PROPFIND", base + "alice@corp.test/", user="bob@corp.test", pw=DAVPW)[0] == 403


@check("xandikos: CalDAV + CardDAV round trip (plain, and through nginx HTTPS + Basic)")
def _():
    base = E["TEST_XANDIKOS_URL"]
    dav_roundtrip(base, f"alice/calendars/arbeit-{RUN}/", f"alice/contacts/kontakte-{RUN}/")
    tls = E["TEST_XANDIKOS_HTTPS_URL"]
    assert curl("PROPFIND", tls + "alice/", headers=["Depth: 0"])[0] == 401
    code, body = curl("PROPFIND", tls + "alice/calendars/", PROPFIND,
                      ["Depth: 1", "Content-Type: application/xml"], user="alice@corp.test", pw=DAVPW)
    assert code == 207 and "arbeit" in body, (code, body)


# ------------------------------------------------------------------ WebDAV / HTTPS
@check("wsgidav: PROPFIND depth 1 and GET with Basic auth; anonymous 401")
def _():
    base = E["TEST_WEBDAV_URL"]
    assert curl("PROPFIND", base, headers=["Depth: 1"])[0] == 401
    code, body = curl("PROPFIND", base + "Dokumente/", b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>'
                      b"<d:getcontentlength/><d:getlastmodified/><d:getetag/><d:resourcetype/></d:prop></d:propfind>",
                      ["Depth: 1", "Content-Type: application/xml"], user="alice@corp.test")
    assert code == 207 and "readme.txt" in body and "Umlaut%20%C3%84%20%26%20Co.csv" in body, (code, body)
    code, body = curl("GET", base + "Dokumente/readme.txt", user="alice@corp.test")
    assert code == 200 and body.strip() == "Hallo Welt", (code, body)
    code, _ = curl("PUT", base + f"Projekte/neu-{RUN}.txt", b"neu\n", user="alice@corp.test")
    assert code == 201, code


@check("nginx: HTTPS with the test CA; ETag/If-None-Match and If-Modified-Since give 304")
def _():
    url = E["TEST_FEED_URL"]
    r = run(["curl", "-sS", "-D", "-", "-o", "/dev/null", "--cacert", CA, url])
    hdr = dict(line.split(": ", 1) for line in r.stdout.replace("\r", "").splitlines()[1:] if ": " in line)
    hdr = {k.lower(): v for k, v in hdr.items()}
    etag, lm = hdr["etag"], hdr["last-modified"]
    assert curl("GET", url, headers=[f"If-None-Match: {etag}"])[0] == 304
    assert curl("GET", url, headers=[f"If-Modified-Since: {lm}"])[0] == 304
    assert curl("GET", url, headers=["If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT"])[0] == 200
    # the IP SAN works as well
    assert curl("GET", url.replace("localhost", "127.0.0.1"))[0] == 200
    return f"ETag {etag}"


# ------------------------------------------------------------------ mbsync
@check("mbsync: initial sync of alice (TLS) including 2,000 seeded messages")
def _():
    d = E["TEST_SERVERS_DIR"]
    n = int(E.get("SELFTEST_SEED", "2000"))
    t = time.time()
    r = run([os.path.join(HERE, "servers.sh"), "seed", "alice@corp.test", str(n), f"Archiv-{RUN}"],
            env={**E, "KAPSEL_TEST_SERVERS_DIR": d})
    assert r.returncode == 0, r.stderr
    seed_s = time.time() - t
    t = time.time()
    r = run(["mbsync", "-c", E["TEST_MBSYNCRC"], "-a"])
    sync_s = time.time() - t
    assert r.returncode == 0, (r.stdout, r.stderr)
    local = os.path.join(d, "mbsync", "alice", f"Archiv-{RUN}")
    got = len(os.listdir(os.path.join(local, "cur"))) + len(os.listdir(os.path.join(local, "new")))
    assert got == n, got
    t = time.time()
    r = run(["mbsync", "-c", E["TEST_MBSYNCRC"], "-a"])
    assert r.returncode == 0, r.stderr
    resync_s = time.time() - t
    # alice is the Rust tests' user too: leave her mailbox as small as it was
    r = run(["doveadm", "-c", E["TEST_DOVECOT_CONF"], "mailbox", "delete", "-u", "alice@corp.test", f"Archiv-{RUN}"])
    assert r.returncode == 0, r.stderr
    shutil.rmtree(local)   # mbsync keeps its state in the folder; the next run starts clean
    return f"seeded {n} in {seed_s:.1f}s, initial mbsync {sync_s:.1f}s, no-op resync {resync_s:.1f}s"


passed = sum(RESULTS)
failed = len(RESULTS) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
