# Kapsel — cli-apps, German. Every id in this file starts with `cli-app-`.

