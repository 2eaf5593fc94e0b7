# Kapsel — directory, English. Every id in this file starts with `ldap-`.

