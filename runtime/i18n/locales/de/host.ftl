# Kapsel — host, German. Every id in this file starts with `host-`.

