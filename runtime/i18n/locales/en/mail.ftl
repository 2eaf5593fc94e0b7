# Kapsel — mail, English. Every id in this file starts with `mailbox-`.

