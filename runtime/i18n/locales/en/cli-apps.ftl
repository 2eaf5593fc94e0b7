# Kapsel — cli-apps, English. Every id in this file starts with `cli-app-`.

