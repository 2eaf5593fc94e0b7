# Kapsel — cli, German. Every id in this file starts with `cli-`.

## Allgemein
cli-error-line = kapsel: { $message }
cli-warning = kapsel: Warnung: { $message }
cli-agent-crashed = kapsel: der Sitzungsdienst ist am { $time } UTC ausgefallen ({ $place }) — der Fehler steht im Prüfprotokoll; ist der Container jetzt gesperrt, entsperren Sie ihn erneut
cli-cannot-write = { $path } kann nicht geschrieben werden

## Fehler in der Befehlszeile ($arg, $command, $value: wie eingegeben oder wie in der Hilfe benannt)
cli-usage-unknown-argument = unbekannte Option '{ $arg }'
cli-usage-unknown-command = unbekannter Befehl '{ $command }'
cli-usage-invalid-value = '{ $value }' ist kein gültiger Wert für '{ $arg }'
cli-usage-missing-argument = fehlt: { $args }
cli-usage-missing-command = '{ $command }' braucht einen Befehl
cli-usage-conflict = '{ $arg }' kann nicht zusammen mit '{ $other }' verwendet werden
cli-usage-values = falsche Anzahl von Werten für '{ $arg }'
cli-usage-not-utf8 = ein Argument ist kein gültiges UTF-8
cli-usage-other = die Befehlszeile ist nicht verständlich
cli-usage-did-you-mean = Meinten Sie '{ $suggestion }'?
cli-usage-possible-values = Mögliche Werte: { $values }
cli-usage-more = Mehr mit '--help'.

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
cli-status-app-engine = Apps laufen als
cli-status-app-engine-native = Maschinencode, bei der Installation übersetzt (Cranelift)
cli-status-app-engine-interpreter = Bytecode im Pulley-Interpreter (kein zur Laufzeit erzeugter Maschinencode)
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

## Geräteverwaltung für die Administration des Mandanten (kapsel tenant device, publish, rollover, receipt)
cli-tenant-no-login = kein Anmeldename
cli-tenant-what-request = der Anmeldeantrag
cli-tenant-what-rollover = der Schlüsselwechsel
cli-tenant-what-receipt = die Löschbestätigung
cli-tenant-cannot-read = { $path } kann nicht gelesen werden
cli-tenant-state-active = aktiv
cli-tenant-state-locked = gesperrt
cli-tenant-state-wipe = Löschen angeordnet
cli-tenant-state-wiped = gelöscht
cli-tenant-reason-remote-wipe = vom Mandanten angeordnet
cli-tenant-reason-offline-limit = zu lange ohne Kontakt
cli-tenant-reason-unknown-device = nicht in der Geräteliste
cli-tenant-device-approved = Gerät { $id } ({ $login }) freigegeben; Seriennummer des Registers { $serial }. Es lässt sich öffnen, sobald Sie veröffentlichen (`kapsel tenant publish`).
cli-tenant-device-already = Gerät { $id } wurde bereits freigegeben (Zustand: { $state }); nichts geändert.
cli-tenant-device-unchanged = Gerät { $id } hat bereits den Zustand { $state }; nichts geändert.
cli-tenant-device-locked = Gerät { $id } ist gesperrt (Seriennummer des Registers { $serial }). Sobald Sie veröffentlichen, lässt es sich ab seinem nächsten Kontakt nicht mehr öffnen; seine Daten bleiben erhalten.
cli-tenant-device-wipe = Für Gerät { $id } ist das Löschen angeordnet (Seriennummer des Registers { $serial }). Sobald Sie veröffentlichen, vernichtet es bei seinem nächsten Kontakt seinen Container und hinterlässt eine Löschbestätigung.
cli-tenant-device-activated = Gerät { $id } ist wieder aktiv (Seriennummer des Registers { $serial }); das wirkt, sobald Sie veröffentlichen.
cli-tenant-list-id = Gerät
cli-tenant-list-state = Zustand
cli-tenant-list-login = Anmeldename
cli-tenant-list-approved = Freigegeben
cli-tenant-list-receipt = Löschbestätigung
cli-tenant-list-empty = Noch keine Geräte im Register.
cli-tenant-list-summary = { $count ->
        [one] 1 Gerät
       *[other] { $count } Geräte
    }, Seriennummer des Registers { $serial }, Mandant { $tenant }
cli-tenant-published = Für den Mandanten { $tenant } in { $dir } veröffentlicht: Richtlinie mit Seriennummer { $policy }, Geräteliste mit Seriennummer { $devices } ({ $count ->
        [one] 1 Gerät
       *[other] { $count } Geräte
    }), gültig bis { $expires }.
    Veröffentlichen Sie rechtzeitig vorher erneut (am besten per Zeitgeber: siehe docs/admin.md).
cli-tenant-published-rollover = Der Schlüsselwechsel ist mitveröffentlicht: Geräte, die noch dem alten Schlüssel vertrauen, folgen ihm bei ihrem nächsten Kontakt.
cli-tenant-published-rollover-kept = Der bereits veröffentlichte Schlüsselwechsel bleibt: er führt zu diesem Schlüssel.
cli-tenant-published-rollover-removed = Die dortige rollover.toml führte zu einem anderen Schlüssel und wurde entfernt.
cli-tenant-published-no-management = die Richtlinie hat keinen Abschnitt [management]: Geräte, die sie installieren, nehmen keinen Kontakt mehr zum Mandanten auf
cli-tenant-rollover-written = Schlüsselwechsel des Mandanten { $tenant } nach { $path } geschrieben.
    Alter Schlüssel: { $old }
    Neuer Schlüssel: { $new }
    Veröffentlichen Sie ihn zusammen mit den Dokumenten, die mit dem neuen Schlüssel signiert sind: `kapsel tenant publish ORDNER --key NEU.key … --rollover { $path }`.
cli-tenant-receipt-undecodable = { $count ->
        [one] 1 Abruf einer Löschbestätigung in { $source } ließ sich nicht lesen
       *[other] { $count } Abrufe von Löschbestätigungen in { $source } ließen sich nicht lesen
    } (abgeschnitten oder verändert?)
cli-tenant-receipt-none = in { $source } wurde keine Löschbestätigung gefunden
cli-tenant-receipt-refused = eine Löschbestätigung in { $source } wurde abgelehnt: { $error }
cli-tenant-receipt-log-none = Keine Löschbestätigung in { $source }.
cli-tenant-receipt-log-refused = Keine der Löschbestätigungen in { $source } wurde angenommen (siehe die Warnungen oben).
cli-tenant-receipt-recorded = Gerät { $id } ({ $login }) hat sich am { $time } gelöscht ({ $reason }); Löschbestätigung erfasst.
cli-tenant-receipt-known = Gerät { $id } ({ $login }): die Löschbestätigung vom { $time } war bereits erfasst.
cli-tenant-receipt-marked = Gerät { $id } hatte sich gelöscht, während es als aktiv oder gesperrt geführt wurde; im Register steht jetzt `wipe` (Seriennummer { $serial }): veröffentlichen Sie, damit das weitergegeben wird.
