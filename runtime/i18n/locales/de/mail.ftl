# Kapsel — mail, German. Every id in this file starts with `mailbox-`.

