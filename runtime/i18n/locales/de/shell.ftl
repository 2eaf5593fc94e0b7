# Kapsel — Deutsch (de-DE: TT.MM.JJJJ, 24-Stunden-Uhr, Dezimalkomma).
# Jede Meldungs-ID, die der Code verwendet, steht hier und in en.ftl (geprüft von den Tests von kapsel-i18n).

## Die Oberfläche: Reiter und allgemeine Zustände
shell-tab-mail = Post
shell-tab-calendar = Kalender
shell-tab-tasks = Aufgaben
shell-tab-contacts = Kontakte
shell-tab-directory = Verzeichnis
shell-tab-apps = Apps
shell-loading = Wird geladen …
shell-working = Bitte warten …
shell-cancelled = Abgebrochen. Die Anfrage kann im Hintergrund noch zu Ende laufen.
shell-esc-cancels = (Esc bricht ab)
shell-failed = Fehlgeschlagen: { $reason }
shell-locked = Kapsel ist gesperrt.
shell-unlocking = Wird entsperrt …
shell-sync-started = Synchronisiere …
shell-not-configured = Ihre Behörde hat das für Kapsel nicht eingerichtet.
shell-too-small = Das Terminal ist zu klein für Kapsel.
shell-needs-terminal = Die Oberfläche von Kapsel braucht ein Terminal. In Skripten die kapsel-Befehle verwenden (siehe kapsel --help).
sync-done = Synchronisiert.
sync-running = Es läuft bereits eine Synchronisation; neue Post erscheint, sobald sie fertig ist.

## Statuszeile
status-syncing = Synchronisiere { $folder } { $done }/{ $total }
status-sync-failed = Synchronisation fehlgeschlagen: { $reason }
status-synced = Synchronisiert { $time }
status-not-synced = Noch nicht synchronisiert
status-outbox = { $count ->
    [0] Postausgang leer
   *[other] Postausgang: { $count }
}
status-lock-in = Sperre in { $time }
status-help = Hilfe

## Hilfe
help-title = Tasten auf dieser Seite
help-close = Eine beliebige Taste schließt die Hilfe.
key-tabs = zu einem Reiter wechseln
key-next-tab = nächster Reiter (Umschalt+Tab: vorheriger)
key-help = diese Hilfe
key-sync = jetzt synchronisieren
key-lock = jetzt sperren
key-quit = beenden (die Sitzung bleibt entsperrt, bis sie sich selbst sperrt)
key-unlock = entsperren
key-clear = leeren
key-move = bewegen
key-open = öffnen
key-panes = Ordner, Nachrichten, Lesebereich
key-compose = neue Nachricht
key-reply = antworten / allen antworten
key-forward = weiterleiten
key-toggle-read = als gelesen oder ungelesen markieren
key-toggle-flag = markieren oder Markierung entfernen
key-open-attachment = einen Anhang im Betrachter öffnen
key-copy = Nachrichtentext kopieren (nur innerhalb von Kapsel)
key-search = suchen
key-drafts = Entwürfe
key-outbox = Postausgang
key-mailboxes = Gruppenpostfächer
key-oof = Abwesenheitsnotiz
key-next-field = nächstes Feld
key-pick-recipient = vorgeschlagenen Empfänger wählen
key-paste = in Kapsel Kopiertes einfügen
key-send = senden
key-save-draft = als Entwurf speichern
key-close-keep = schließen (Geschriebenes bleibt als Entwurf erhalten)
key-mailbox-toggle = Postfach öffnen oder schließen (✓ = geöffnet)
key-back-to-messages = zurück zu den Nachrichten
key-oof-edit = Abwesenheitsnotiz einrichten oder ändern
key-oof-clear = Abwesenheitsnotiz ausschalten (mit Rückfrage)
key-previous-field = vorheriges Feld
key-save = speichern
key-cancel = abbrechen, ohne zu speichern
key-scroll = blättern
key-back = zurück
key-week = vorige / nächste Woche
key-today = diese Woche
key-task-done = als erledigt markieren
key-filter = filtern
key-save-contact = als persönlichen Kontakt speichern
key-open-act = öffnen oder ausführen, was der gewählte Eintrag anbietet
key-toggle = an- oder abhaken

## Entsperren
unlock-panel = Kapsel
unlock-title = Der Arbeitscontainer ist gesperrt
unlock-password = Verzeichnis-Passwort:
unlock-failures = { $count ->
    [one] 1 Fehlversuch
   *[other] { $count } Fehlversuche
} — noch { $remaining } bis zur Grenze
unlock-backoff = Nächster Versuch in { $seconds } s möglich
unlock-keys = Eingabe entsperrt · Strg+Q beendet · ? Hilfe
unlock-wrong = Das Passwort ist nicht richtig.
unlock-wait = Zu viele Versuche: Bitte vor dem nächsten Versuch warten.
unlock-wiped = Der Container wurde nach zu vielen Fehlversuchen gelöscht. Bitte die IT um eine neue Einrichtung bitten.
error-network = Der Server ist nicht erreichbar: { $detail }

## Post
mail-folders = Ordner
mail-messages = { $count ->
    [one] 1 Nachricht
   *[other] { $count } Nachrichten
}
mail-empty = Hier ist nichts.
mail-reader = Nachricht
mail-nothing-open = Keine Nachricht geöffnet. Eine wählen und Eingabe drücken.
mail-from = Von
mail-to = An
mail-cc = Kopie
mail-date = Datum
mail-subject = Betreff
mail-pick-attachment = Welcher Anhang? Seine Nummer drücken.
mail-date-arrival = (kein gültiges Datum vom Absender: Eingang beim Server)
mail-signed = Signiert (S/MIME) — Signatur nicht geprüft
mail-encrypted = Verschlüsselt (S/MIME) — kann hier nicht gelesen werden
mail-attachment-inline = (im Text gezeigt)
mail-attachment-dangerous = ⚠ ein Programm, Skript, eine Verknüpfung oder ein Dokument mit Makros — es kann beim Öffnen selbst etwas ausführen
mail-attachment-mismatch = ⚠ der Name sagt { $named }, der Inhalt ist aber { $content }
mail-search = Post durchsuchen (Eingabe sucht, Esc schließt)
mail-search-hits = { $count ->
    [one] 1 Nachricht gefunden
   *[other] { $count } Nachrichten gefunden
}
mail-search-results = Suche: { $count ->
    [one] 1 Treffer
   *[other] { $count } Treffer
}
mail-sent = Gesendet (oder im Postausgang, bis der Server sie annimmt).
mail-draft-saved = Als Entwurf gespeichert.
mail-drafts = Entwürfe (Eingabe sendet)
mail-outbox = Postausgang (Eingabe versucht es erneut)
mail-mailboxes = Gruppenpostfächer (Eingabe öffnet oder schließt)
mail-mailbox-opening = { $name } wird geöffnet und synchronisiert …
mail-mailbox-closing = { $name } wird geschlossen …
mail-mailbox-opened = { $name } ist geöffnet; seine Ordner sind synchronisiert.
mail-mailbox-closed = { $name } ist geschlossen; seine Nachrichten wurden aus dem Container entfernt.
mail-oof = Abwesenheitsnotiz (e bearbeitet, x schaltet aus)
oof-off = Keine Abwesenheitsnotiz eingerichtet.
oof-on = Abwesend vom { $start } bis { $end }
oof-to-others = An Absender außerhalb Ihrer Behörde:
oof-confirm-clear = Abwesenheitsnotiz ausschalten?
oof-confirm-keys = x oder y: ja · jede andere Taste: nein
oof-saving = Abwesenheitsnotiz wird gespeichert …
oof-clearing = Abwesenheitsnotiz wird ausgeschaltet …
oof-saved = Die Abwesenheitsnotiz ist eingerichtet.
oof-cleared = Die Abwesenheitsnotiz ist ausgeschaltet.
oof-edit-title = Abwesenheitsnotiz
oof-start = Erster Tag
oof-end = Letzter Tag
oof-date-format = JJJJ-MM-TT
# Der Betreff, mit dem eine neue Notiz beginnt; absichtlich zweisprachig wie die Vorgabe von `kapsel mail oof --subject`.
oof-default-subject = Abwesenheitsnotiz / Out of office
oof-reply = Antwort
oof-reply-others = Antwort an Absender außerhalb Ihrer Behörde (leer: dieselbe Antwort)
oof-keys = Strg+S speichern · Tab/Umschalt+Tab Feld · Strg+V einfügen · Esc abbrechen
outbox-queued = wartet
outbox-sending = wird gesendet
outbox-in-doubt = unklar
outbox-failed = fehlgeschlagen
outbox-in-doubt-help = Der Server hat diese Nachricht vielleicht schon angenommen; vor einem neuen Versuch in „Gesendet“ nachsehen.
outbox-retried = Die Nachricht wird erneut gesendet.
compose-new = Neue Nachricht
compose-reply = Antworten
compose-reply-all = Allen antworten
compose-forward = Weiterleiten
compose-keys = Strg+S senden · Strg+D Entwurf · Tab nächstes Feld · Strg+V einfügen · Esc schließen
compose-suggestions = Vorschläge

## Kalender, Aufgaben, Kontakte, Verzeichnis
agenda-title = Kalender { $from } – { $to }
agenda-empty = Keine Termine in dieser Woche.
agenda-all-day = ganztägig
agenda-unreadable = { $count ->
    [one] 1 Eintrag konnte nicht gelesen werden.
   *[other] { $count } Einträge konnten nicht gelesen werden.
}
day-mon = Mo
day-tue = Di
day-wed = Mi
day-thu = Do
day-fri = Fr
day-sat = Sa
day-sun = So
tasks-empty = Keine offenen Aufgaben.
tasks-overdue = (überfällig)
contacts-empty = Keine Kontakte.
contacts-filtered = Kontakte mit „{ $filter }“
contact-saved = Als persönlichen Kontakt gespeichert.
directory-search = Im Verzeichnis suchen (Name, Adresse, Telefon; Eingabe sucht)
directory-results = Personen
directory-hint = Einen Namen eingeben und Eingabe drücken.
directory-none = Niemand gefunden.
directory-truncated = Es passen mehr Personen, als angezeigt werden: genauer suchen.

## Apps
apps-none = Keine Apps installiert.
apps-signed-by = signiert von { $publisher }
app-failed-title = Die App konnte nicht antworten
app-denied = Vom Container verweigert: { $reason }
app-link-not-followed = Dieser Link führt zu { $origin }. Kapsel öffnet keine Links.
app-open-failed = { $document } konnte nicht geöffnet werden: { $reason }
notice-info = Hinweis
notice-warning = Warnung
notice-error = Fehler

## Das Terminal selbst
shell-error-raw-mode = das Terminal kann nicht in den Rohmodus geschaltet werden
shell-error-prepare = das Terminal kann nicht vorbereitet werden
shell-error-draw = auf dem Terminal kann nicht gezeichnet werden
shell-error-clear = das Terminal kann nicht geleert werden
