# Kapsel — cli, German. Every id in this file starts with `cli-`.

