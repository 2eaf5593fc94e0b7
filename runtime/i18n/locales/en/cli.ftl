# Kapsel — cli, English. Every id in this file starts with `cli-`.

