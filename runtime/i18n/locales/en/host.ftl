# Kapsel — host, English. Every id in this file starts with `host-`.

