# Kapsel — calendar, German. Every id in this file starts with `cal-`.

