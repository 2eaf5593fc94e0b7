# Kapsel — cli, German. Every id in this file starts with `cli-`.

## Allgemein
cli-error-line = kapsel: { $message }
cli-warning = kapsel: Warnung: { $message }
cli-agent-crashed = kapsel: der Sitzungsdienst ist am { $time } UTC ausgefallen ({ $place }) — der Fehler steht im Prüfprotokoll; ist der Container jetzt gesperrt, entsperren Sie ihn erneut
cli-cannot-write = { $path } kann nicht geschrieben werden

## Anmeldung, Entsperren, Sperren, Passwort, Löschen
cli-not-a-login = { $login } ist kein Anmeldename
cli-prompt-password = Verzeichnis-Passwort (AD):{" "}
cli-prompt-current-password = Bisheriges Passwort:{" "}
cli-prompt-new-password = Neues Passwort:{" "}
cli-preinstalled = Die vom Mandanten freigegebenen eingebauten Apps wurden installiert: { $apps }.
cli-enrolled = Angemeldet bei { $tenant } ({ $id }) unter { $path }. Öffnen Sie den Container mit `kapsel unlock`.
cli-enrol-undone = die Anmeldung ist fehlgeschlagen und wurde rückgängig gemacht (unter { $path } blieb nichts zurück): { $cause }
cli-enrol-undo-failed = die Anmeldung ist fehlgeschlagen: { $cause }; auch das Entfernen des halb angelegten Containers unter { $path } schlug fehl ({ $error }): löschen Sie diesen Ordner, bevor Sie sich erneut anmelden
cli-preinstall-missing = der Mandant installiert { $id } vor, aber { $why }
cli-already-unlocked = der Container ist bereits entsperrt
cli-locked = Gesperrt.
cli-already-locked = Bereits gesperrt.
cli-password-changed = Passwort geändert.
cli-wipe-confirm = Löschen vernichtet den Container und alle seine Daten: zur Bestätigung mit --yes wiederholen
cli-wiped = Der Container wurde gelöscht.
cli-audit-log-altered = das Prüfprotokoll lässt sich nicht bestätigen: es wurde verändert

## Richtlinie und Mandantenschlüssel
cli-policy-installed = Richtlinie mit Seriennummer { $serial } installiert.
cli-policy-current = Richtlinie mit Seriennummer { $serial } ist bereits installiert.
cli-tenant-keys = Geheimer Schlüssel: { $secret } (offline aufbewahren)
    Öffentlicher Schlüssel: { $public } = { $key }
cli-policy-signed = Signierte Richtlinie nach { $path } geschrieben.
cli-policy-valid = Gültig: Mandant { $tenant } ({ $id }), Seriennummer { $serial }, sha256 { $sha256 }

## kapsel status
cli-status-container = Container
cli-status-state = Zustand
cli-status-unlocked = entsperrt (sperrt nach { $seconds } s ohne Eingabe)
cli-status-locked = gesperrt
cli-status-tenant = Mandant
cli-status-tenant-key = Mandantenschlüssel
cli-status-policy = Richtlinie
cli-status-policy-value = Seriennummer { $serial }, sha256 { $sha256 }
cli-status-failed-unlocks = Fehlversuche
cli-status-kdf = Schlüsselableitung
cli-status-data-key = Datenschlüssel-ID

## kapsel audit-log
cli-audit-verified = Bestätigt: { $entries } Einträge, Kette unversehrt, { $sealed } versiegelt, { $pending } noch zu versiegeln.
cli-audit-verification-failed = PRÜFUNG FEHLGESCHLAGEN:

## Passwörter
cli-prompt-repeat-password = Neues Passwort wiederholen:{" "}
cli-password-stdin-unreadable = das Passwort kann nicht von der Standardeingabe gelesen werden
cli-password-stdin-ended = die Standardeingabe endete vor dem Passwort ({ $prompt })
cli-password-no-terminal = auf dem Terminal kann nicht nach dem Passwort gefragt werden ({ $error }); verwenden Sie --password-stdin
cli-password-empty = das Passwort ist leer
cli-passwords-differ = die beiden Passwörter stimmen nicht überein

## Werkzeuge des Mandanten
cli-cannot-create-new = { $path } kann nicht angelegt werden (die Datei darf noch nicht existieren)
cli-what-policy = die Richtlinie
cli-what-public-key = die Datei mit dem öffentlichen Schlüssel
cli-what-secret-key = die Datei mit dem geheimen Schlüssel

## kapsel dir
cli-dir-odd-answer = der Sitzungsdienst hat etwas anderes geantwortet
cli-dir-save-ambiguous = { $count } Personen passen zu { $text }: suchen Sie, bis genau eine passt, und speichern Sie dann
cli-dir-prompt-service-password = Passwort des Dienstkontos:{" "}
cli-dir-service-password-stored = Passwort des Dienstkontos gespeichert.
cli-dir-mail = E-Mail
cli-dir-phone = Telefon
cli-dir-mobile = Mobil
cli-dir-title = Funktion
cli-dir-department = Abteilung
cli-dir-office = Büro
cli-dir-company = Behörde
cli-dir-login = Anmeldename
cli-dir-truncated = { $count } angezeigt; es passen weitere: grenzen Sie die Suche ein.
cli-dir-found = { $count ->
        [0] Niemand gefunden.
        [one] 1 Person gefunden.
       *[other] { $count } Personen gefunden.
    }
cli-dir-resolved-contact = { $typed } → { $name } <{ $mail }> (Kontakte)
cli-dir-resolved = { $typed } → { $name } <{ $mail }>
cli-dir-cannot-resolve = { $typed } ist keine E-Mail-Adresse, und das Verzeichnis konnte nicht gefragt werden: { $error }
cli-dir-no-one-called = im Verzeichnis gibt es niemanden namens { $typed } mit E-Mail-Adresse; geben Sie die Adresse an
cli-dir-ambiguous = { $count } Personen passen zu { $typed }; geben Sie die Adresse oder einen genaueren Namen an:
cli-dir-choose = { $count } Personen passen zu { $typed }:
cli-dir-which-one = Welche (1-{ $shown }, leer zum Abbrechen)?{" "}
cli-dir-choice-unreadable = die Auswahl kann nicht gelesen werden
cli-dir-none-chosen = kein Empfänger gewählt; es wurde nichts gesendet

## Der Sitzungsdienst (läuft im kapsel-Programm)
cli-agent-password-unreadable = das Passwort kann nicht gelesen werden
cli-agent-password-empty = es wurde ein leeres Passwort übergeben
cli-agent-already-running = der Container ist bereits entsperrt (ein Sitzungsdienst läuft)
cli-agent-stale-socket = ein veralteter Sitzungs-Socket kann nicht entfernt werden
cli-agent-socket-mode = die Rechte des Sitzungs-Sockets können nicht eingeschränkt werden
cli-agent-too-many-clients = der Sitzungsdienst bedient zu viele Programme gleichzeitig; bitte erneut versuchen
cli-agent-internal-error = ein interner Fehler hat diese Anfrage beendet; er wurde protokolliert, und die Sitzung läuft weiter (siehe `kapsel audit-log`)
cli-agent-no-app-host = die App-Umgebung ist nicht verfügbar
cli-agent-token-wildcard = ein Token gehört zu genau einem Ursprung, nicht zu einem Platzhalter
cli-agent-misrouted = falsch zugestellte Anfrage
cli-agent-unknown-client = der Sitzungsdienst kann das Programm des Aufrufers nicht bestimmen; kapsel bedient es nicht

## Geräteidentität bei der Anmeldung
cli-enrol-request = Geräte-ID { $id }. Verwaltet Ihre Behörde die Geräte, senden Sie ihr den Anmeldeantrag { $path }.

## kapsel status: der Stand beim Mandanten
cli-status-device = Gerät
cli-status-device-state = Gerätezustand
cli-status-device-active = aktiv
cli-status-device-locked = vom Mandanten gesperrt
cli-status-device-wipe = zu löschen
cli-status-device-unknown = (noch) nicht in der Geräteliste
cli-status-last-contact = Letzter Kontakt
cli-status-last-attempt = Letzter Versuch
cli-status-attempt-ok = { $time }, erfolgreich
cli-status-attempt-failed = { $time }, fehlgeschlagen: { $error }
cli-status-never = nie
cli-status-grace = Offline-Frist
cli-status-grace-left = noch { $hours } h { $minutes } min ohne Kontakt
cli-status-grace-over = abgelaufen: der Container öffnet erst wieder nach Kontakt zum Mandanten
