# Kapsel — directory, German. Every id in this file starts with `ldap-`.

