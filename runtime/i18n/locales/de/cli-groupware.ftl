# Kapsel — cli-groupware, German. Every id in this file starts with `cli-pim-`.

