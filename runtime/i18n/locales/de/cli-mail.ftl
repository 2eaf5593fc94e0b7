# Kapsel — cli-mail, German. Every id in this file starts with `cli-mail-`.

