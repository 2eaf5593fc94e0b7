#!/usr/bin/env bash
# Kapsel test servers: installs (never starts) everything tests/servers/servers.sh and the
# integration tests need, on Debian 12 (bookworm), as root. Owns: the apt packages (Dovecot +
# Pigeonhole, slapd + ldap-utils, nginx-light, isync, strace, aiosmtpd, openssl, curl) and the
# pip packages (radicale, xandikos, wsgidav, cheroot, aiosmtpd; python-docx, odfpy, reportlab,
# openpyxl, python-pptx to generate real test documents). Safe to run again: when everything is
# present it only checks (FORCE=1 reinstalls). No system service is started or configured (debconf preseed for slapd,
# temporary policy-rc.d); servers.sh runs every server from its own config in a temp folder.
#   bash tests/servers/install.sh            # ~1-2 min on a fresh machine, ~1 s when done
#   PYTHON=/path/to/python bash tests/servers/install.sh   # pip into another interpreter
set -euo pipefail
[[ $(id -u) == 0 ]] || { echo "install.sh: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
PYTHON=${PYTHON:-python3}

APT_PKGS=(dovecot-core dovecot-imapd dovecot-submissiond dovecot-lmtpd dovecot-managesieved
  dovecot-sieve python3-aiosmtpd isync slapd ldap-utils openssl curl ca-certificates strace)
# versions verified with servers.sh/selftest.py (Python 3.11)
PIP_PKGS=(radicale==3.9.0 xandikos==0.4.10 wsgidav==4.4.0 cheroot==11.1.2 aiosmtpd==1.4.6
  python-docx==1.2.0 odfpy==1.4.1 reportlab==5.1.0 openpyxl==3.1.5 python-pptx==1.0.2)
PY_IMPORTS='import radicale, xandikos, wsgidav, cheroot, aiosmtpd, docx, odf.opendocument, reportlab, openpyxl, pptx'

versions() {
  dovecot --version
  slapd -VV 2>&1 | grep -m1 slapd || true
  nginx -v 2>&1
  mbsync --version
  strace -V | head -1
  "$PYTHON" -c 'import radicale, xandikos, wsgidav, cheroot, aiosmtpd, docx, odf, reportlab, openpyxl, pptx, sys, importlib.metadata as m
print(sys.executable, sys.version.split()[0])
print(" ".join(f"{p} {m.version(p)}" for p in ("radicale", "xandikos", "wsgidav", "cheroot", "aiosmtpd", "python-docx", "odfpy", "reportlab", "openpyxl", "python-pptx")))'
}

all_present() {
  local p
  for p in "${APT_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
  dpkg-query -W -f='${Status}' nginx-light 2>/dev/null | grep -q 'install ok installed' ||
    dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q 'install ok installed' || return 1
  "$PYTHON" -c "$PY_IMPORTS" 2>/dev/null || return 1
  # the pinned versions, not just any
  "$PYTHON" - "${PIP_PKGS[@]}" <<'EOF' 2>/dev/null || return 1
import sys, importlib.metadata as m
sys.exit(any(m.version(n) != v for n, v in (a.split("==") for a in sys.argv[1:])))
EOF
}

if [[ ${FORCE:-0} != 1 ]] && all_present; then
  echo "install.sh: everything already installed"
  versions
  exit 0
fi

# slapd: answer debconf up front; "no_configuration" = do not create /etc/ldap/slapd.d nor a
# database under /var/lib/ldap (the system instance is never used)
debconf-set-selections <<'EOF'
slapd slapd/no_configuration boolean true
slapd slapd/password1 password secret
slapd slapd/password2 password secret
slapd slapd/domain string corp.test
slapd shared/organization string corp.test
slapd slapd/move_old_database boolean true
slapd slapd/purge_database boolean false
EOF

# Keep apt from starting system daemons (dovecot on 143/993, nginx on 80, slapd) where no
# policy-rc.d exists yet (Docker-style images already have one that says "exit 101").
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

apt-get update
# nginx-light exists in Debian 12; later releases only have "nginx"
NGINX=nginx-light
apt-cache show nginx-light >/dev/null 2>&1 || NGINX=nginx
apt-get install -y --no-install-recommends "${APT_PKGS[@]}" "$NGINX"

# Python packages into the interpreter servers.sh uses ($PYTHON, default python3). A Debian
# system python (PEP 668) refuses plain pip installs: then --break-system-packages (or point
# PYTHON at a venv's python).
PIP_FLAGS=(--no-input --disable-pip-version-check --root-user-action=ignore)
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends python3-pip
fi
if "$PYTHON" -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")) else 1)'; then
  PIP_FLAGS+=(--break-system-packages)
fi
"$PYTHON" -m pip install "${PIP_FLAGS[@]}" "${PIP_PKGS[@]}"

echo "install.sh: done"
versions
