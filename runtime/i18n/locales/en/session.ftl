# Kapsel — session, English. Every id in this file starts with `session-`.

