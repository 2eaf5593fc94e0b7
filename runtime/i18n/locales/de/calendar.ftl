# Kapsel — calendar, German. Every id in this file starts with `cal-`.


## Server und die Einstellungen der Behörde
cal-no-server = die Behörde nennt keinen CalDAV- oder CardDAV-Server (oder hat diese Module abgeschaltet)
cal-server-address = die Adresse des Kalenderservers: { $error }
cal-plain-http = { $url } ist unverschlüsseltes HTTP, und die Behörde hat unverschlüsselte Verbindungen zu { $host } nicht erlaubt
cal-unusable-location = { $server } hat eine unbrauchbare Adresse { $href } genannt: { $error }
cal-other-server = { $server } hat auf einen anderen Server verwiesen ({ $origin }); Kapsel folgt dem nicht
cal-request-refused = eine Anfrage an einen anderen Server als { $server } wurde abgelehnt
cal-login-refused = { $server } hat die Anmeldung abgelehnt (401): bitte Benutzername und Passwort prüfen
cal-access-refused = { $server } hat den Zugriff auf { $path } verweigert (403)
cal-tls = TLS zu { $server }: { $error }
cal-not-multistatus = { $server } hat auf { $method } { $path } mit { $status } statt mit einem Multistatus geantwortet
cal-unreadable-answer = { $server } hat eine unlesbare Antwort auf { $method } gesendet: { $error }
cal-cannot-resolve = { $host } kann nicht aufgelöst werden: { $error }
cal-no-address = { $host } hat keine Adresse
cal-worker-start = der Kalenderdienst kann nicht gestartet werden

## Synchronisation
cal-unreadable-discovery = eine unlesbare Antwort bei der Suche nach den Sammlungen: { $error }
cal-discovery-redirects = der Server hat die Suche nach den Sammlungen zu oft umgeleitet
cal-no-collections-listed = der Server hat die Sammlungen in { $path } nicht aufgelistet
cal-stored-url = eine gespeicherte Sammlungs-URL: { $error }
cal-no-members-listed = der Server hat die Einträge der Sammlung nicht aufgelistet
cal-answer-too-large = die Antwort des Servers für dieses Objekt ist zu groß
cal-no-data = der Server hat keine Daten dazu gesendet
cal-unreadable-sync = eine unlesbare Antwort bei der Synchronisation: { $error }
cal-stored-collections-unreadable = eine gespeicherte Liste der Sammlungen ist nicht lesbar: { $error }
cal-stored-object-unreadable = ein gespeichertes Kalenderobjekt ist nicht lesbar: { $error }
cal-cannot-encode = kann nicht kodiert werden: { $error }

## Objekte, die nicht lesbar sind
cal-object-too-large = das Objekt ist { $bytes } Bytes groß (gelesen werden höchstens { $max })
cal-not-icalendar = kein iCalendar-Objekt ({ $error })
cal-no-event-or-task = das Objekt enthält weder einen Termin noch eine Aufgabe
cal-card-too-large = die Karte ist { $bytes } Bytes groß (gelesen werden höchstens { $max })
cal-not-vcard = keine vCard ({ $error })
cal-dst-gap = { $time } gibt es in { $zone } nicht (Zeitumstellung)
cal-not-a-date = { $text } ist kein Datum: 2026-12-02 oder 2026-12-02 10:30 schreiben

## Termine, Aufgaben und Kontakte finden und bearbeiten
cal-no-uid = keine UID angegeben
cal-uid-not-found = nichts mit der UID { $uid }
cal-uid-ambiguous = { $count } Objekte haben UIDs, die mit { $uid } beginnen: bitte mehr davon angeben
cal-no-event-uid = kein Termin mit der UID { $uid }
cal-unreadable-object = dieses Objekt ist nicht lesbar: { $problem }
cal-no-calendar-yet = es ist noch kein Kalender bekannt: zuerst `kapsel sync now` ausführen
cal-no-address-book-yet = es ist noch kein Adressbuch bekannt: zuerst `kapsel sync now` ausführen
cal-no-collection-named = kein Kalender und kein Adressbuch namens { $name }
# $what ist eines der cal-field-*-Wörter, mit Artikel
cal-text-too-long = { $what } ist länger als 64 KiB
cal-field-title = der Titel
cal-field-location = der Ort
cal-field-description = die Beschreibung
cal-field-other = ein Feld
cal-event-needs-title = ein Termin braucht einen Titel
cal-mixed-moments = Beginn und Ende entweder beide als Datum (ganztägig) oder beide mit Uhrzeit angeben
cal-end-before-start = das Ende liegt vor dem Beginn
cal-bad-rrule = die Wiederholungsregel enthält Zeichen, die eine RRULE nicht enthalten darf
cal-not-mail-address = { $address } ist keine E-Mail-Adresse
cal-no-expand = der Termin lässt sich nicht auflösen: { $error }
cal-no-event-in-object = dieses Objekt enthält keinen Termin
cal-task-needs-title = eine Aufgabe braucht einen Titel
cal-priority-range = eine Priorität reicht von 1 (höchste) bis 9 (niedrigste)
cal-no-task-in-object = dieses Objekt enthält keine Aufgabe
cal-task-status = der Status einer Aufgabe ist needs-action, in-process, completed oder cancelled
cal-contact-needs-name = ein Kontakt braucht einen Namen

## Was eine Änderung bewirkt hat
cal-added-to = In { $calendar } eingetragen.
cal-updated = Aktualisiert.
cal-event-added = Termin in { $calendar } eingetragen.
cal-changed = Geändert.
cal-removed = Entfernt.
cal-task-added = Aufgabe in { $list } eingetragen.
cal-done = Erledigt.
cal-contact-saved = Kontakt in { $book } gespeichert.

## Wartende Änderungen, wie `sync status` sie auflistet
cal-what-invitation = Einladung { $uid }
cal-what-add-event = Termin anlegen: { $title }
cal-what-edit = ändern: { $title }
cal-what-remove = entfernen: { $uid }
cal-what-add-task = Aufgabe anlegen: { $title }
cal-what-edit-task = Aufgabe ändern: { $uid }
cal-what-add-contact = Kontakt anlegen: { $name }
cal-what-edit-contact = Kontakt ändern: { $uid }

## Wartende Änderungen senden
cal-edited-unreadable = das geänderte Objekt ist nicht lesbar: { $problem }
cal-queued-unreadable = eine wartende Änderung ist nicht lesbar: { $error }
cal-server-failed = der Server hat einen Fehler gemeldet ({ $status })
cal-server-refused-deletion = der Server hat das Löschen abgelehnt ({ $status })
cal-server-refused-body = der Server hat die Änderung abgelehnt ({ $status }): { $body }
cal-server-refused = der Server hat die Änderung abgelehnt ({ $status })
cal-server-get = der Server hat auf GET mit { $status } geantwortet
cal-copy-failed = eine gleichzeitige Änderung konnte nicht als Kopie erhalten werden ({ $status })

## Einladungen per E-Mail
cal-mail-unavailable = Einladungen werden per E-Mail verschickt, und E-Mail ist nicht verfügbar: { $error }
cal-invitation-subject = Einladung: { $summary }
cal-invitation-body = { $me } lädt Sie ein: { $summary }
# $date im Format der Sprache (02.12.2026), $iso als 2026-12-02
cal-invitation-when = { $weekday }, { $date }, { $time } Uhr
cal-weekday-monday = Montag
cal-weekday-tuesday = Dienstag
cal-weekday-wednesday = Mittwoch
cal-weekday-thursday = Donnerstag
cal-weekday-friday = Freitag
cal-weekday-saturday = Samstag
cal-weekday-sunday = Sonntag
cal-cancel-subject = Abgesagt: { $summary }
cal-cancel-body = { $me } hat den Termin abgesagt: { $summary }
cal-answer-accepted = Zugesagt
cal-answer-tentative = Vorläufig zugesagt
cal-answer-declined = Abgelehnt
cal-no-login = es ist kein Anmeldename gespeichert: den Container mit --user LOGIN einrichten
cal-no-invitation = die Nachricht { $message } enthält keine Einladung (siehe `kapsel cal invitations`)
cal-invitation-no-event = die Einladung enthält keinen Termin
cal-invitation-no-organizer = die Einladung nennt keinen Organisator, dem geantwortet werden könnte
cal-not-attendee = { $me } gehört nicht zu den Teilnehmenden der Einladung
