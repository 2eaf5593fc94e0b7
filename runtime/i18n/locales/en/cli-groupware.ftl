# Kapsel — cli-groupware, English. Every id in this file starts with `cli-pim-`.

