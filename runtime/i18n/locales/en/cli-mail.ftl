# Kapsel — cli-mail, English. Every id in this file starts with `cli-mail-`.

