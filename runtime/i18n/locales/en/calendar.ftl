# Kapsel — calendar, English. Every id in this file starts with `cal-`.

