# Kapsel — core, German. Every id in this file starts with `core-`.

## Die Fehlerrahmen (das Detail schreibt das Modul, das den Fehler meldet)
core-error-not-enrolled = kein Container unter { $path }: zuerst `kapsel enroll` ausführen
core-error-already-enrolled = unter { $path } gibt es bereits einen Container: zuerst `kapsel wipe` ausführen, wenn Sie neu beginnen wollen
core-error-locked = der Container ist gesperrt: zuerst `kapsel unlock` ausführen
core-error-wrong-password = falsches Passwort ({ $failures } Fehlversuch(e); noch { $remaining }, bevor der Container { $on_limit } wird)
core-error-back-off = zu viele fehlgeschlagene Entsperrversuche: in { $seconds } s erneut versuchen
core-error-wiped = der Container wurde nach { $count } fehlgeschlagenen Entsperrversuchen gelöscht; melden Sie das Gerät neu an
core-error-tampered = Integritätsfehler: { $detail } (die Daten des Containers wurden verändert oder beschädigt)
core-error-policy = von der Richtlinie abgelehnt: { $detail }
core-error-device = Geräteprüfung fehlgeschlagen: { $detail }
core-error-not-found = nicht gefunden: { $detail }
core-error-agent = Sitzungsdienst: { $detail }
core-error-storage = Speicherfehler: { $detail }
core-on-limit-wipe = gelöscht
core-on-limit-lockout = gesperrt
