#!/usr/bin/env python3
"""Kapsel test servers: writes the LDIF that servers.sh loads into slapd (slapadd) for
dc=corp,dc=test: base entries, a reader account, N users (alice, bob, carol, then generated
user00000...; inetOrgPerson + adUser) and a group. Usage: gen_ldif.py N > seed.ldif"""
import base64
import sys


def attr(name, value):
    """LDIF line; non-ASCII values must be base64 (name:: ...) per RFC 2849."""
    if value.isascii() and not value.startswith((" ", ":", "<")):
        return f"{name}: {value}\n"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}\n"


N = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
DEPTS = ["Vertrieb", "Einkauf", "Personal", "Buchhaltung", "IT", "Recht", "Poststelle", "Geschäftsführung"]
COMPANIES = ["Corp Test GmbH", "Corp Test Services AG"]
out = sys.stdout
w = out.write
w("dn: dc=corp,dc=test\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\n"
  "o: corp.test\ndc: corp\n\n")
for ou in ("Users", "Groups", "Service"):
    w(f"dn: ou={ou},dc=corp,dc=test\nobjectClass: organizationalUnit\nou: {ou}\n\n")
# service account for binds (not the rootdn: rootdn ignores size limits)
w("dn: cn=reader,ou=Service,dc=corp,dc=test\nobjectClass: person\nobjectClass: simpleSecurityObject\n"
  "cn: reader\nsn: reader\nuserPassword: secret\n\n")
# the mail test users first, then generated ones
named = [("alice", "Alice", "Anders"), ("bob", "Bob", "Berger"), ("carol", "Carol", "Conrad")]
users = [(u, g, s) for u, g, s in named] + [(f"user{i:05d}", f"Vorname{i}", f"Nachname{i}") for i in range(N - len(named))]
for i, (uid, given, sn) in enumerate(users):
    dept = DEPTS[i % len(DEPTS)]
    w(f"dn: cn={given} {sn},ou=Users,dc=corp,dc=test\n"
      "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\n"
      "objectClass: inetOrgPerson\nobjectClass: adUser\n"
      f"cn: {given} {sn}\nsn: {sn}\ngivenName: {given}\ndisplayName: {sn}, {given}\n"
      f"uid: {uid}\nmail: {uid}@corp.test\nsAMAccountName: {uid}\nuserPrincipalName: {uid}@corp.test\n"
      + attr("department", dept) + f"company: {COMPANIES[i % 2]}\ntitle: Sachbearbeiter\n"
      f"telephoneNumber: +49 30 {1000000 + i}\nuserPassword: secret\n"
      # the mail users' strong password too (servers.sh users-strong): Kapsel binds as the
      # user with the password that opens the container
      + ("userPassword: Kapsel-Test-2026\n" if i < len(named) else "") + "\n")
w("dn: cn=Poststelle,ou=Groups,dc=corp,dc=test\nobjectClass: groupOfNames\ncn: Poststelle\n"
  "description: Funktionspostfach poststelle@corp.test\n"
  "member: cn=Alice Anders,ou=Users,dc=corp,dc=test\nmember: cn=Bob Berger,ou=Users,dc=corp,dc=test\n\n")
