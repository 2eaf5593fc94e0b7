#!/usr/bin/env bash
# Kapsel test servers: starts/stops the real servers (Dovecot, SMTP sink, slapd, Radicale,
# Xandikos, WsgiDAV, nginx) that the integration tests talk to, on 127.0.0.1, from the configs
# in this folder, with all state in one folder DIR. Owns DIR and DIR/env (the addresses and
# credentials the tests read). Adapted from a verified reference; reads nothing outside this
# folder and DIR.
#
#   servers.sh start [DIR]    create certs and configs under DIR, start every server, wait until
#                             each answers, write DIR/env (source it: exported TEST_* variables)
#   servers.sh stop [DIR]     stop the servers by the PIDs recorded in DIR/pids (only those)
#   servers.sh status [DIR]   show which recorded PIDs are alive (exit 1 if any is dead)
#   servers.sh seed [DIR] USER N [MAILBOX]
#                             put N generated messages into USER's MAILBOX (default INBOX) fast
#                             (doveadm import of a generated Maildir; SEED_MIX=1: mixed, realistic)
#   servers.sh clean [DIR]    stop, then delete DIR (only a folder this script made)
#
# DIR: $KAPSEL_TEST_SERVERS_DIR, default /tmp/kts; an absolute path as first argument overrides
# it. Keep it short (Dovecot's unix sockets: < 108 bytes, so DIR <= 60 characters).
# Other knobs: LDAP_USERS (default 5000; 50000 for benchmarks), SERVERS (subset, e.g.
# SERVERS="sink dovecot"), PYTHON (default python3), PORT_* (below).
#
# Installs nothing (see install.sh); exits with the install line when something is missing.
# Must run as root (Dovecot drops to an unprivileged mail uid; slapd/nginx run as root here).
# This script makes DIR itself 0755; its parents must let "others" traverse (x bit).
#
# Servers and ports (fixed; each can be overridden by exporting the variable first):
#   SMTP sink (aiosmtpd -> Maildir)  10025            Dovecot LMTP (+Sieve)   10024
#   Dovecot IMAP (STARTTLS)          10143            Dovecot IMAPS           10993
#   Dovecot submission (STARTTLS)    10587            submissions (TLS)       10465
#   Dovecot ManageSieve (STARTTLS)   14190
#   slapd ldap:// (StartTLS)         10389            slapd ldaps://          10636
#   Radicale (http)                  15232            Xandikos (http)         15233
#   Xandikos via nginx (https+Basic) 15234            WsgiDAV (http+Basic)    18088
#   nginx static (https)             18443
# Users: alice@corp.test, bob@corp.test, carol@corp.test, password "secret" (mail, DAV, LDAP uid).
set -Eeuo pipefail

: "${PORT_SINK:=10025}" "${PORT_LMTP:=10024}" "${PORT_IMAP:=10143}" "${PORT_IMAPS:=10993}"
: "${PORT_SUBMISSION:=10587}" "${PORT_SUBMISSIONS:=10465}" "${PORT_SIEVE:=14190}"
: "${PORT_LDAP:=10389}" "${PORT_LDAPS:=10636}" "${PORT_RADICALE:=15232}" "${PORT_XANDIKOS:=15233}"
: "${PORT_XANDIKOS_HTTPS:=15234}" "${PORT_WEBDAV:=18088}" "${PORT_HTTPS:=18443}"
: "${LDAP_USERS:=5000}"           # generated directory entries loaded with slapadd (50000: benchmarks)
: "${SERVERS:=sink dovecot slapd radicale xandikos wsgidav nginx}"   # subset: SERVERS="sink dovecot"
: "${PYTHON:=python3}"             # the interpreter that has radicale/xandikos/wsgidav (pip)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
USERS="alice@corp.test bob@corp.test carol@corp.test"
PASSWORD=secret
# Dovecot also accepts this one (a tenant's password rules refuse "secret" for a container)
STRONG_PASSWORD=Kapsel-Test-2026
APT_LINE="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-core dovecot-imapd dovecot-submissiond dovecot-lmtpd dovecot-managesieved dovecot-sieve python3-aiosmtpd isync slapd ldap-utils nginx-light openssl curl"
PIP_LINE="$PYTHON -m pip install radicale==3.9.0 xandikos==0.4.10 wsgidav==4.4.0 cheroot==11.1.2 aiosmtpd==1.4.6"

log() { printf '[servers] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { sed -n '2,21p' "$0" >&2; exit 2; }

want() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- prerequisites
check_prereqs() {
  local missing_apt=() missing_pip=()
  [[ $(id -u) == 0 ]] || die "run as root (Dovecot must setuid to the mail user)"
  command -v openssl >/dev/null || missing_apt+=(openssl)
  command -v curl >/dev/null || missing_apt+=(curl)
  if want dovecot; then
    for b in dovecot doveadm doveconf; do command -v $b >/dev/null || missing_apt+=("$b"); done
    for m in imap submission lmtp managesieve; do
      [[ -x /usr/lib/dovecot/$m ]] || missing_apt+=("dovecot:$m")
    done
    [[ -f /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]] || missing_apt+=(dovecot-sieve)
  fi
  if want slapd; then
    for b in slapd slapadd; do command -v $b >/dev/null || [[ -x /usr/sbin/$b ]] || missing_apt+=("$b"); done
    command -v ldapsearch >/dev/null || missing_apt+=(ldap-utils)
  fi
  if want nginx; then command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing_apt+=(nginx-light); fi
  if want sink; then
    if $PYTHON -c 'import aiosmtpd' 2>/dev/null; then SINK_PY=$PYTHON
    elif /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then SINK_PY=/usr/bin/python3
    else missing_apt+=(python3-aiosmtpd); fi
  fi
  want radicale && { $PYTHON -c 'import radicale' 2>/dev/null || missing_pip+=(radicale); }
  want xandikos && { $PYTHON -c 'import xandikos' 2>/dev/null || missing_pip+=(xandikos); }
  want wsgidav && { $PYTHON -c 'import wsgidav, cheroot' 2>/dev/null || missing_pip+=(wsgidav cheroot); }
  if (( ${#missing_apt[@]} + ${#missing_pip[@]} )); then
    log "missing: ${missing_apt[*]:-} ${missing_pip[*]:-}"
    log "install with: bash $HERE/install.sh   (as root), which runs:"
    (( ${#missing_apt[@]} )) && log "  apt-get update && $APT_LINE"
    (( ${#missing_pip[@]} )) && log "  $PIP_LINE"
    exit 1
  fi
  return 0
}

# alive PID: the process exists and is not a zombie. (On these machines PID 1 reaps orphaned
# zombies only every ~2 s, and kill -0 succeeds on a zombie.)
alive() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $st && $st != Z ]]
}

port_free() {  # true if nothing listens on 127.0.0.1:$1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_logs() {  # the last lines of a server's logs (stdout/stderr, and its own log file)
  local f
  for f in "$D/logs/$1.log" "$D/dovecot/dovecot.log" "$D/nginx/error.log"; do
    [[ $f == "$D/logs/$1.log" || $f == "$D/$1/"* ]] || continue
    [[ -s $f ]] && { log "--- $f"; tail -n 30 "$f" >&2; }
  done
  return 0
}

# wait_for NAME TIMEOUT_S COMMAND...: retry COMMAND until it succeeds; fail with the log tail
wait_for() {
  local name=$1 timeout=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  local pid; pid=$(cat "$D/pids/$name.pid" 2>/dev/null || echo)
  while ! "$@" >/dev/null 2>&1; do
    if [[ -n $pid ]] && ! alive "$pid"; then
      log "$name exited during start-up; last lines of its log:"
      show_logs "$name"
      return 1
    fi
    if (( $(date +%s) >= deadline )); then
      log "$name did not answer within ${timeout}s; last lines of its log:"
      show_logs "$name"
      return 1
    fi
    sleep 0.2
  done
  log "$name is up"
}

# a one-line protocol greeting check: banner PORT REGEX
banner() {
  "$PYTHON" - "$1" "$2" <<'EOF'
import re, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
line = s.makefile("rb").readline().decode("latin-1")
s.close()
sys.exit(0 if re.match(sys.argv[2], line) else 1)
EOF
}

# spawn NAME COMMAND...: start in the foreground mode of the server, in the background of this
# script, log to DIR/logs/NAME.log; $! is the server's own PID (no wrapper, no daemonizing)
spawn() {
  local name=$1; shift
  "$@" >"$D/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$D/pids/$name.pid"
}

subst() {  # subst TEMPLATE OUT KEY=VALUE...  (replaces @KEY@)
  local tpl=$1 out=$2; shift 2
  local args=()
  for kv in "$@"; do args+=(-e "s#@${kv%%=*}@#${kv#*=}#g"); done
  sed "${args[@]}" "$tpl" >"$out"
  if grep -q '@[A-Z_]*@' "$out"; then die "unreplaced placeholder in $out: $(grep -o '@[A-Z_]*@' "$out" | sort -u | tr '\n' ' ')"; fi
}

# ---------------------------------------------------------------- certificates
make_certs() {
  local c=$D/certs
  mkdir -p "$c"
  [[ -f $c/server.pem && -f $c/ca.pem ]] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Kapsel Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$c/ca.key" -out "$c/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$c/server.key" -out "$c/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$c/server.ext"
  openssl x509 -req -in "$c/server.csr" -CA "$c/ca.pem" -CAkey "$c/ca.key" -CAcreateserial \
    -days 825 -extfile "$c/server.ext" -out "$c/server.pem" 2>/dev/null
  cat "$c/server.pem" "$c/ca.pem" >"$c/chain.pem"
  openssl verify -CAfile "$c/ca.pem" "$c/server.pem" >/dev/null
  chmod 644 "$c"/*.pem; chmod 600 "$c"/*.key
}

# ---------------------------------------------------------------- servers
start_sink() {
  mkdir -p "$D/sink/Maildir"/{cur,new,tmp}
  spawn sink "$SINK_PY" -m aiosmtpd -n -l "127.0.0.1:$PORT_SINK" \
    -c aiosmtpd.handlers.Mailbox "$D/sink/Maildir"
  wait_for sink 20 banner "$PORT_SINK" '^220 '
}

dovecot_ready() {
  banner "$PORT_IMAP" '^\* OK' && banner "$PORT_SIEVE" '^"IMPLEMENTATION"' && banner "$PORT_LMTP" '^220 ' &&
    banner "$PORT_SUBMISSION" '^220 '
}

start_dovecot() {
  local dd=$D/dovecot muid mgid
  muid=$(id -u nobody); mgid=$(getent group nogroup | cut -d: -f3)
  mkdir -p "$dd"/{home,public,dict}
  chmod 755 "$dd"
  subst "$HERE/dovecot.conf" "$dd/dovecot.conf" DIR="$dd" CERTS="$D/certs" MAIL_UID="$muid" \
    MAIL_GID="$mgid" PORT_IMAP="$PORT_IMAP" PORT_IMAPS="$PORT_IMAPS" \
    PORT_SUBMISSION="$PORT_SUBMISSION" PORT_SUBMISSIONS="$PORT_SUBMISSIONS" \
    PORT_SIEVE="$PORT_SIEVE" PORT_LMTP="$PORT_LMTP" PORT_SINK="$PORT_SINK"
  : >"$dd/users"
  for u in $USERS; do echo "$u:{PLAIN}$PASSWORD::::::" >>"$dd/users"; done
  : >"$dd/users-strong"
  for u in $USERS; do echo "$u:{PLAIN}$STRONG_PASSWORD::::::" >>"$dd/users-strong"; done
  # the demo tenant's employee (scripts/demo): mail with the same login as its WebDAV share
  echo "alice@demo.example:{PLAIN}Demo-Passwort-2026::::::" >>"$dd/users"
  chmod 644 "$dd/users" "$dd/users-strong"
  # function mailbox Public/poststelle: alice administers it, bob may read/write, carol nothing
  mkdir -p "$dd/public/.poststelle"/{cur,new,tmp}
  printf '%s\n' "user=alice@corp.test lrwstipekxa" "user=bob@corp.test lrwstipe" \
    >"$dd/public/.poststelle/dovecot-acl"
  chown -R "$muid:$mgid" "$dd/home" "$dd/public" "$dd/dict"
  doveconf -c "$dd/dovecot.conf" -n >/dev/null || die "dovecot.conf does not parse"
  spawn dovecot dovecot -F -c "$dd/dovecot.conf"
  wait_for dovecot 30 dovecot_ready
  # a first message in the function mailbox (as alice, who may write there), once
  [[ -n $(find "$dd/public/.poststelle/cur" "$dd/public/.poststelle/new" -type f | head -1) ]] ||
  printf '%s\r\n' "From: Poststelle <poststelle@corp.test>" "To: poststelle@corp.test" \
    "Subject: Willkommen in der Poststelle" "Date: Mon, 01 Jan 2024 10:00:00 +0000" \
    "Message-ID: <welcome-poststelle@corp.test>" "" "Erste Nachricht im Funktionspostfach." |
    doveadm -c "$dd/dovecot.conf" save -u alice@corp.test -m Public/poststelle
}

start_slapd() {
  local ld=$D/ldap t0 t1
  rm -rf "$ld/db"; mkdir -p "$ld/db"     # slapadd needs an empty database (restart in same DIR)
  cp "$HERE/ad.schema" "$ld/ad.schema"
  subst "$HERE/slapd.conf" "$ld/slapd.conf" DIR="$ld" CERTS="$D/certs" \
    PORT_LDAP="$PORT_LDAP" PORT_LDAPS="$PORT_LDAPS"
  "$PYTHON" "$HERE/gen_ldif.py" "$LDAP_USERS" >"$ld/seed.ldif"
  t0=$EPOCHREALTIME
  slapadd -q -f "$ld/slapd.conf" -l "$ld/seed.ldif" >"$D/logs/slapadd.log" 2>&1 ||
    { tail -20 "$D/logs/slapadd.log" >&2; die "slapadd failed"; }
  t1=$EPOCHREALTIME
  log "slapadd of $LDAP_USERS users took $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")s"
  # -d 0: stay in the foreground (so $! is slapd's PID) with no debug output
  spawn slapd slapd -f "$ld/slapd.conf" -h "ldap://127.0.0.1:$PORT_LDAP/ ldaps://127.0.0.1:$PORT_LDAPS/" -d 0
  wait_for slapd 30 env LDAPTLS_CACERT="$D/certs/ca.pem" ldapsearch -o nettimeout=5 -x -H "ldaps://127.0.0.1:$PORT_LDAPS" \
    -b dc=corp,dc=test -s base -LLL dn
}

start_radicale() {
  local rd=$D/radicale
  mkdir -p "$rd/collections"
  subst "$HERE/radicale.conf" "$rd/radicale.conf" DIR="$rd" PORT_RADICALE="$PORT_RADICALE"
  : >"$rd/htpasswd"
  # the directory password (one per user in htpasswd): Kapsel keys the container and logs in
  # to every server with the same password, the one the tenant's rules accept
  for u in $USERS; do echo "$u:$STRONG_PASSWORD" >>"$rd/htpasswd"; done
  # scripts/demo's user, as in Dovecot
  echo "alice@demo.example:Demo-Passwort-2026" >>"$rd/htpasswd"
  spawn radicale "$PYTHON" -m radicale --config "$rd/radicale.conf"
  wait_for radicale 30 curl -sf -m 5 -o /dev/null -u "alice@corp.test:$STRONG_PASSWORD" -X PROPFIND -H 'Depth: 0' \
    "http://127.0.0.1:$PORT_RADICALE/alice@corp.test/"
}

start_xandikos() {
  local xd=$D/xandikos
  mkdir -p "$xd"
  # single-user server (no accounts of its own): alice's principal at /alice/ with a default
  # calendar (/alice/calendars/calendar/) and address book (/alice/contacts/addressbook/)
  spawn xandikos "$PYTHON" -m xandikos serve -d "$xd/data" --defaults --current-user-principal /alice/ \
    -l 127.0.0.1 -p "$PORT_XANDIKOS" --state-dir "$xd/state" --no-detect-systemd
  wait_for xandikos 30 curl -sf -m 5 -o /dev/null -X PROPFIND -H 'Depth: 0' "http://127.0.0.1:$PORT_XANDIKOS/alice/"
}

start_wsgidav() {
  local wd=$D/webdav
  mkdir -p "$wd/share/Dokumente" "$wd/share/Projekte"
  echo "Hallo Welt" >"$wd/share/Dokumente/readme.txt"
  printf 'Name;Betrag\nMiete;1200\n' >"$wd/share/Dokumente/Umlaut Ä & Co.csv"
  subst "$HERE/wsgidav.yaml" "$wd/wsgidav.yaml" DIR="$wd" PORT_WEBDAV="$PORT_WEBDAV"
  spawn wsgidav "$PYTHON" -m wsgidav.server.server_cli --config "$wd/wsgidav.yaml"
  wait_for wsgidav 30 curl -sf -m 5 -o /dev/null -u "alice@corp.test:$PASSWORD" -X PROPFIND -H 'Depth: 0' \
    "http://127.0.0.1:$PORT_WEBDAV/"
}

start_nginx() {
  local nd=$D/nginx
  mkdir -p "$nd/www/private" "$nd/tmp"
  chmod 755 "$nd" "$nd/www"
  subst "$HERE/nginx.conf" "$nd/nginx.conf" DIR="$nd" CERTS="$D/certs" PORT_HTTPS="$PORT_HTTPS" \
    PORT_XANDIKOS="$PORT_XANDIKOS" PORT_XANDIKOS_HTTPS="$PORT_XANDIKOS_HTTPS"
  echo "alice@corp.test:{PLAIN}$PASSWORD" >"$nd/htpasswd"
  # Xandikos behind nginx: the directory password, as for Radicale
  echo "alice@corp.test:{PLAIN}$STRONG_PASSWORD" >"$nd/htpasswd-dav"
  chmod 644 "$nd/htpasswd" "$nd/htpasswd-dav"
  cat >"$nd/www/feed.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Corp News</title><link>https://localhost/</link>
<description>Intranet-Nachrichten</description>
<item><title>Betriebsausflug</title><guid>https://localhost/news/1</guid>
<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate><description>Am Freitag.</description></item>
</channel></rss>
EOF
  echo "nur mit Passwort" >"$nd/www/private/secret.txt"
  spawn nginx nginx -c "$nd/nginx.conf" -p "$nd" -e "$nd/error.log"
  wait_for nginx 20 curl -sf -m 5 -o /dev/null --cacert "$D/certs/ca.pem" "https://localhost:$PORT_HTTPS/feed.xml"
}

write_env() {
  local e=$D/env
  cat >"$e" <<EOF
# written by servers.sh start; source it
export TEST_SERVERS_DIR='$D'
export TEST_CA_FILE='$D/certs/ca.pem'
export TEST_HOST=127.0.0.1
export TEST_TLS_NAME=localhost
# Dovecot on 127.0.0.2 (same ports) treats the client as remote: no AUTH before STARTTLS
export TEST_STRICT_HOST=127.0.0.2
export TEST_USERS='$USERS'
export TEST_PASSWORD='$PASSWORD'
export TEST_IMAP_PORT=$PORT_IMAP
export TEST_IMAPS_PORT=$PORT_IMAPS
export TEST_SUBMISSION_PORT=$PORT_SUBMISSION
export TEST_SUBMISSIONS_PORT=$PORT_SUBMISSIONS
export TEST_SIEVE_PORT=$PORT_SIEVE
export TEST_LMTP_PORT=$PORT_LMTP
export TEST_SMTP_SINK_PORT=$PORT_SINK
export TEST_SMTP_SINK_MAILDIR='$D/sink/Maildir'
export TEST_DOVECOT_CONF='$D/dovecot/dovecot.conf'
export TEST_SHARED_PREFIX='shared/'
export TEST_PUBLIC_MAILBOX='Public/poststelle'
export TEST_MAIL_STRONG_PASSWORD='$STRONG_PASSWORD'
export TEST_LDAP_URL='ldap://127.0.0.1:$PORT_LDAP'
export TEST_LDAPS_URL='ldaps://127.0.0.1:$PORT_LDAPS'
export TEST_LDAP_BASE_DN='dc=corp,dc=test'
export TEST_LDAP_USERS_DN='ou=Users,dc=corp,dc=test'
export TEST_LDAP_BIND_DN='cn=reader,ou=Service,dc=corp,dc=test'
export TEST_LDAP_BIND_PASSWORD='$PASSWORD'
export TEST_LDAP_ADMIN_DN='cn=admin,dc=corp,dc=test'
export TEST_LDAP_ADMIN_PASSWORD='$PASSWORD'
export TEST_LDAP_USER_COUNT=$LDAP_USERS
export TEST_LDAP_SIZELIMIT=1000
export LDAPTLS_CACERT='$D/certs/ca.pem'
export TEST_CALDAV_URL='http://127.0.0.1:$PORT_RADICALE/'
export TEST_RADICALE_URL='http://127.0.0.1:$PORT_RADICALE/'
export TEST_XANDIKOS_URL='http://127.0.0.1:$PORT_XANDIKOS/'
export TEST_XANDIKOS_PRINCIPAL='/alice/'
export TEST_XANDIKOS_HTTPS_URL='https://localhost:$PORT_XANDIKOS_HTTPS/'
export TEST_WEBDAV_URL='http://127.0.0.1:$PORT_WEBDAV/'
export TEST_HTTPS_URL='https://localhost:$PORT_HTTPS/'
export TEST_FEED_URL='https://localhost:$PORT_HTTPS/feed.xml'
export TEST_MBSYNCRC='$D/mbsyncrc'
EOF
  subst "$HERE/mbsyncrc" "$D/mbsyncrc" CERTS="$D/certs" PORT_IMAPS="$PORT_IMAPS" PORT_IMAP="$PORT_IMAP" \
    MBSYNC_DIR="$D/mbsync"
  mkdir -p "$D/mbsync/alice"
}

# ---------------------------------------------------------------- stop
stop_all() {
  local f name pid i t0
  [[ -d $D/pids ]] || { log "nothing recorded in $D/pids"; return 0; }
  # reverse start order: nginx proxies xandikos; dovecot relays to the sink
  for name in nginx wsgidav xandikos radicale slapd dovecot sink; do
    f=$D/pids/$name.pid
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    # only our process: alive and its command line names our folder
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$D/"; then
      t0=$EPOCHREALTIME
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 200); do alive "$pid" || break; sleep 0.05; done
      if alive "$pid"; then
        log "$name ($pid) ignored SIGTERM for 10s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      log "stopped $name ($pid) in $(awk "BEGIN{printf \"%.1f\", $EPOCHREALTIME - $t0}")s"
    else
      log "$name ($pid) was not running"
    fi
    rm -f "$f"
  done
}

# ---------------------------------------------------------------- seed (bulk messages)
# Writes N messages as a Maildir++ tree (INBOX, or the folder .<box>) and imports it with
# doveadm import: thousands of messages per second, versus ~130/s over one LMTP connection.
# SEED_MIX=1: realistic mixed messages (seed_mix below) instead of identical small plain ones.
seed() {
  local user=$1 n=$2 box=${3:-INBOX} src conf=$D/dovecot/dovecot.conf
  src=$(mktemp -d "$D/seed.XXXXXX")
  if [[ ${SEED_MIX:-0} == 1 ]]; then
    seed_mix "$src/md" "$n" "$user" "$box"
  else
    "$PYTHON" - "$src/md" "$n" "$user" "$box" <<'EOF'
import mailbox, sys
path, n, rcpt, box = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
md = mailbox.Maildir(path, create=True)
if box != "INBOX":
    md = md.add_folder(box.replace("/", "."))     # Maildir++: .Folder or .Parent.Child
body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 10 + "\r\n") * 4
for i in range(n):
    md.add((f"From: Sender {i % 50} <sender{i % 50}@example.org>\r\nTo: {rcpt}\r\n"
            f"Subject: Seed message {i}\r\n"
            f"Date: Mon, 01 Jan 2024 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000\r\n"
            f"Message-ID: <seed{i}.{rcpt}@example.org>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode())
EOF
  fi
  # Dovecot writes index files into the source: it must belong to the mail uid
  chown -R nobody:nogroup "$src"
  doveadm -c "$conf" import -u "$user" "maildir:$src/md" "" mailbox "$box"
  # the import opens the source as the same user (acl plugin loaded, no ACLs there) and so
  # empties the user's entries in acl_shared_dict: rebuild them, or "shared/..." LIST breaks
  doveadm -c "$conf" acl recalc -u "$user"
  rm -rf "$src"
  doveadm -c "$conf" mailbox status -u "$user" messages "$box"
}

# Mixed messages for benchmarks, deterministic (message i is the same on every run, whatever
# N): sizes like real mail (~85% 2-20 KB, ~14% 50-200 KB, ~1% 1-3 MB), ~25% multipart/mixed
# with a pdf/docx/png attachment (random bytes behind the real magic), ~30%
# multipart/alternative text+HTML, ~9% ISO-8859-1 quoted-printable bodies, RFC 2047 subjects
# and senders, replies (In-Reply-To), distinct Message-IDs and strictly increasing dates (also
# the INTERNALDATE, via the file mtime), ~70% \Seen, ~1.4% \Flagged. German/English office
# vocabulary; "Haushaltsplan" is in the subject and body of every 100th message (i = 0, 100,
# ...) and nowhere else, so SEARCH TEXT Haushaltsplan finds exactly ceil(N/100).
# 10,000 messages are ~455 MB: ~15 s to generate.
seed_mix() {
  "$PYTHON" - "$@" <<'EOF'
import base64, hashlib, os, random, re, sys
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime

path, n, rcpt, box = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
root = os.path.join(path, "" if box == "INBOX" else "." + box.replace("/", "."))   # Maildir++
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(path, sub), exist_ok=True)
    os.makedirs(os.path.join(root, sub), exist_ok=True)
if box != "INBOX":
    open(os.path.join(root, "maildirfolder"), "w").close()
# Message-IDs differ per user and mailbox, so seeding several never collides
tag = re.sub(r"[^A-Za-z0-9]+", "-", box).strip("-").lower() or "box"
user_tag = re.sub(r"[^A-Za-z0-9]+", ".", rcpt).strip(".").lower()

# Real words, so that SEARCH finds something; none contains "haushaltsplan".
WORDS = """Angebot Rechnung Besprechung Termin Projekt Bericht Vertrag Entwurf Freigabe Abstimmung
Protokoll Sitzung Quartal Budget Kosten Planung Auftrag Lieferung Kunde Verwaltung Antrag Bescheid
Genehmigung Frist Unterlagen Anlage Rückfrage Überweisung Prüfung Änderung Bestätigung Präsentation
Schlüssel Größe Straße Grüße Mitarbeiter Abteilung Referat Dienststelle Behörde Ministerium Landkreis
Gemeinde Ausschreibung Vergabe Zuwendung Förderung Verordnung Richtlinie Stellungnahme Entscheidung
Vorlage Beschluss Tagesordnung Einladung Rundschreiben Dienstreise Urlaub Vertretung Fortbildung
Schulung Datenschutz Sicherheit Netzwerk Server Drucker Software Lizenz Wartung Störung Anfrage
meeting report invoice contract schedule review deadline proposal budget draft approval minutes
agenda quarter revenue forecast customer supplier delivery shipment update summary feedback
security network license maintenance outage request travel training holiday colleague department
morgen heute nächste Woche bitte danke dringend wichtig vertraulich kurzfristig rechtzeitig
please thanks urgent important confidential tomorrow today next week attached below regarding""".split()
FIRST = "Anna Jürgen Maria Thomas Sabine Michael Petra Stefan Claudia Andreas Sören Jörg Ute Klaus Birgit Frank Heike Uwe Gabriele Björn".split()
LAST = "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann".split()
DOMAINS = ["example.org", "example.com", "behoerde.example", "partner.example", "corp.test"]
KINDS = [("pdf", "application/pdf", b"%PDF-1.7\n"),
         ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
         ("png", "image/png", b"\x89PNG\r\n\x1a\n")]
NAMES = {"pdf": ["Angebot", "Rechnung", "Bescheid", "Bericht"], "docx": ["Protokoll", "Entwurf", "Stellungnahme"],
         "png": ["Screenshot", "Diagramm", "Foto"]}

def sentence(r, lo=6, hi=16):
    words = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
    return " ".join(words).capitalize() + r.choice([".", ".", ".", "?", "!"])

# A pool of paragraphs, built once: bodies are cut from it, so big messages cost no per-word work.
pool_rng = random.Random("kapsel-seed-mix/pool")
POOL = [" ".join(sentence(pool_rng) for _ in range(pool_rng.randint(3, 7))) for _ in range(400)]

def wrap(text, width=76):
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line); line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\r\n".join(out)

def paragraphs(r, size):
    parts, total = [], 0
    while total < size:
        p = wrap(r.choice(POOL)); parts.append(p); total += len(p) + 4
    return parts

def qp_latin1(text):
    out = []
    for line in text.split("\r\n"):
        enc, col = "", 0
        for ch in line:
            b = ch.encode("latin-1", "replace")
            piece = "".join(f"={x:02X}" if x > 126 or x == 61 else chr(x) for x in b)
            if col + len(piece) > 75:
                enc += "=\r\n"; col = 0
            enc += piece; col += len(piece)
        out.append(enc)
    return "\r\n".join(out)

def encode_subject(r, subject):
    if subject.isascii() or r.random() < 0.5:
        return subject
    cs = "iso-8859-1" if r.random() < 0.5 else "utf-8"
    return Header(subject, cs).encode(maxlinelen=76, splitchars=" ").replace("\n", "\r\n")

start = datetime(2024, 1, 2, 7, 30, tzinfo=timezone(timedelta(hours=1)))
subjects, msgids = [], []
when = start
stats = {"mixed": 0, "alternative": 0, "plain": 0, "qp-latin1": 0, "rfc2047": 0, "big": 0, "medium": 0}
for i in range(n):
    r = random.Random(f"kapsel-seed-mix/{i}")
    when = when + timedelta(seconds=r.randint(60, 5400))       # strictly increasing: distinct dates
    p = r.random()
    if p < 0.01:
        size, cls = r.randint(1 << 20, 3 << 20), "big"
    elif p < 0.15:
        size, cls = r.randint(50 << 10, 200 << 10), "medium"
    else:
        size, cls = int(2048 * (10 ** r.uniform(0, 1))), "small"  # 2-20 KB, more small than large
    if cls != "small":
        stats[cls] += 1
    attach = cls == "big" or (cls == "medium" and r.random() < 0.8) or (cls == "small" and r.random() < 0.15)
    haushalt = i % 100 == 0
    # subject: a reply to an earlier message now and then
    if i > 0 and r.random() < 0.2:
        j = r.randint(max(0, i - 50), i - 1)
        subject, reply_to = "Re: " + subjects[j].removeprefix("Re: "), msgids[j]
    else:
        subject = " ".join(r.choice(WORDS) for _ in range(r.randint(2, 6))).capitalize()
        reply_to = None
    subjects.append(subject)                                     # replies never inherit the marker word
    if haushalt:
        subject = f"Haushaltsplan {2024 + i // 1000}: {subject.removeprefix('Re: ')}"
    msgid = f"<mix{i}.{tag}.{user_tag}@example.org>"
    msgids.append(msgid)
    first, last, dom = r.choice(FIRST), r.choice(LAST), r.choice(DOMAINS)
    display = f"{first} {last}"
    if not display.isascii():
        display = Header(display, "utf-8").encode()
    enc_subject = encode_subject(r, subject)
    if enc_subject != subject:
        stats["rfc2047"] += 1
    local = f"{first}.{last}".lower().translate(str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss"}))
    head = [f"From: {display} <{local}@{dom}>", f"To: {rcpt}", f"Subject: {enc_subject}",
            f"Date: {format_datetime(when)}", f"Message-ID: {msgid}", "MIME-Version: 1.0"]
    if reply_to:
        head += [f"In-Reply-To: {reply_to}", f"References: {reply_to}"]

    latin1 = not attach and r.random() < 0.12
    alternative = not attach and not latin1 and r.random() < 0.45
    att_len = 0
    if attach:
        # base64 grows by 4/3 plus CRLF every 76 characters
        att_len = int((size - 1200) * (0.97 if cls == "big" else r.uniform(0.5, 0.9)) * 0.74)
    text_size = max(400, size - att_len * 4 // 3 - 700)
    if alternative:
        text_size = max(400, text_size * 10 // 21)             # the HTML part repeats the text
    paras = paragraphs(r, text_size)
    if haushalt:
        paras.insert(0, wrap(f"anbei der Entwurf zum Haushaltsplan {2024 + i // 1000} mit der Bitte um Durchsicht."))
    paras.insert(0, f"Hallo {rcpt.split('@')[0].capitalize()},")
    paras.append(f"Viele Grüße\r\n{first} {last}")
    text = "\r\n\r\n".join(paras) + "\r\n"
    if latin1:
        stats["qp-latin1"] += 1
        text_part = ("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                     + qp_latin1(text) + "\r\n")
    else:
        text_part = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text
    b = f"b{i:06d}{hashlib.sha1(msgid.encode()).hexdigest()[:12]}"
    if attach:
        stats["mixed"] += 1
        ext, ctype, magic = r.choice(KINDS)
        fname = f"{r.choice(NAMES[ext])}_{i}.{ext}"
        blob = magic + r.randbytes(max(0, att_len - len(magic)))
        body = (f"--{b}\r\n{text_part}--{b}\r\nContent-Type: {ctype}; name=\"{fname}\"\r\n"
                f"Content-Disposition: attachment; filename=\"{fname}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + base64.encodebytes(blob).decode().replace("\n", "\r\n") + f"--{b}--\r\n")
        head.append(f"Content-Type: multipart/mixed; boundary=\"{b}\"")
    elif alternative:
        stats["alternative"] += 1
        html = "".join(f"<p>{p.replace(chr(13) + chr(10), ' ')}</p>\r\n" for p in paras)
        html_part = ("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                     f"<html><body>\r\n{html}</body></html>\r\n")
        body = f"--{b}\r\n{text_part}--{b}\r\n{html_part}--{b}--\r\n"
        head.append(f"Content-Type: multipart/alternative; boundary=\"{b}\"")
    else:
        stats["plain"] += 1
        head += text_part.split("\r\n\r\n", 1)[0].split("\r\n")
        body = text_part.split("\r\n\r\n", 1)[1]
    raw = ("\r\n".join(head) + "\r\n\r\n" + body).encode("utf-8")
    seen = r.random() < 0.7
    name = f"{int(when.timestamp())}.M{i}P{os.getpid()}.seedmix"
    dest = os.path.join(root, "cur", name + (":2,FS" if r.random() < 0.02 else ":2,S")) if seen \
        else os.path.join(root, "new", name)
    with open(dest, "wb") as f:
        f.write(raw)
    ts = when.timestamp()
    os.utime(dest, (ts, ts))                                     # maildir mtime = INTERNALDATE
print("seed mix:", ", ".join(f"{k} {v}" for k, v in stats.items()), file=sys.stderr)
EOF
}

# ---------------------------------------------------------------- main
cmd=${1:-}; [[ -n $cmd ]] || usage
shift
# DIR: an absolute (or ./relative) path as first argument, else $KAPSEL_TEST_SERVERS_DIR, else /tmp/kts
dir=${KAPSEL_TEST_SERVERS_DIR:-/tmp/kts}
if [[ ${1:-} == /* || ${1:-} == ./* || ${1:-} == ../* ]]; then dir=$1; shift; fi
[[ $cmd == start ]] && mkdir -p "$dir"
[[ -d $dir ]] || { [[ $cmd == stop || $cmd == clean ]] && { log "$dir does not exist: nothing to stop"; exit 0; }; die "$dir does not exist (run: $0 start)"; }
D=$(cd "$dir" && pwd)

case $cmd in
  start)
    check_prereqs
    (( ${#D} <= 60 )) || die "DIR path too long (${#D} > 60 characters): Dovecot's unix sockets need short paths"
    for f in "$D"/pids/*.pid; do
      [[ -f $f ]] || continue
      if alive "$(cat "$f")"; then die "$D has running servers ($f): run $0 stop $D"; fi
      rm -f "$f"
    done
    rm -f "$D/env"      # written again only when everything is up
    chmod 755 "$D"
    # every parent must be traversable by the mail uid (nobody)
    p=$D; while [[ $p != / ]]; do p=$(dirname "$p"); [[ $(stat -c %A "$p") == ?????????[xt] ]] ||
      die "$p is not traversable by others (chmod o+x $p or use another DIR)"; done
    for port in $PORT_SINK $PORT_LMTP $PORT_IMAP $PORT_IMAPS $PORT_SUBMISSION $PORT_SUBMISSIONS \
                $PORT_SIEVE $PORT_LDAP $PORT_LDAPS $PORT_RADICALE $PORT_XANDIKOS $PORT_XANDIKOS_HTTPS \
                $PORT_WEBDAV $PORT_HTTPS; do
      port_free "$port" || die "port $port on 127.0.0.1 is in use"
    done
    mkdir -p "$D/pids" "$D/logs"
    started=0
    t_start=$EPOCHREALTIME
    # on any failure (set -e or die): stop what this run started, by its recorded PIDs
    trap 'if [[ $started != 1 ]]; then log "start failed: stopping what was started"; stop_all; fi' EXIT
    make_certs
    for s in sink dovecot slapd radicale xandikos wsgidav nginx; do
      if want $s; then "start_$s"; fi
    done
    write_env
    started=1
    log "all up in $(awk "BEGIN{printf \"%.1f\", $EPOCHREALTIME - $t_start}")s; environment in $D/env"
    ;;
  stop)
    stop_all
    ;;
  status)
    rc=0 n=
    for f in "$D"/pids/*.pid; do
      [[ -f $f ]] || continue
      pid=$(cat "$f"); n=$(basename "$f" .pid)
      if alive "$pid"; then echo "$n $pid running"; else echo "$n $pid dead"; rc=1; fi
    done
    [[ -n $n ]] || { echo "no servers recorded in $D/pids"; rc=1; }
    exit $rc
    ;;
  seed)
    [[ $# -ge 2 ]] || usage
    seed "$1" "$2" "${3:-INBOX}"
    ;;
  clean)
    # only a folder this script made (certs/ or pids/ in it), never / or a home
    [[ $D != / && $D != "${HOME:-/root}" && ( -d $D/certs || -d $D/pids ) ]] ||
      die "$D does not look like a test-servers folder: not deleting it"
    stop_all
    rm -rf "$D"
    log "removed $D"
    ;;
  *) usage ;;
esac
