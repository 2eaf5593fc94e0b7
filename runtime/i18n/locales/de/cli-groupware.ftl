# Kapsel — cli-groupware, German. Every id in this file starts with `cli-pim-`.

## Allgemein
cli-pim-unexpected-answer = die Antwort passt nicht zur Anfrage
cli-pim-date = { $local }
cli-pim-datetime = { $local }
cli-pim-weekday-mon = Montag
cli-pim-weekday-tue = Dienstag
cli-pim-weekday-wed = Mittwoch
cli-pim-weekday-thu = Donnerstag
cli-pim-weekday-fri = Freitag
cli-pim-weekday-sat = Samstag
cli-pim-weekday-sun = Sonntag
cli-pim-partstat-accepted = zugesagt
cli-pim-partstat-declined = abgesagt
cli-pim-partstat-tentative = vorläufig zugesagt
cli-pim-partstat-needs-action = unbeantwortet
cli-pim-partstat-delegated = delegiert

## Eine Änderung und was auf dem Server aus ihr wurde
cli-pim-done = { $message } UID { $uid }
cli-pim-invited = { $count ->
    [one] Die Nachricht an 1 teilnehmende Person liegt im Postausgang.
   *[other] Die Nachricht an { $count } Teilnehmende liegt im Postausgang.
}
cli-pim-offline = Der Server ist nicht erreichbar ({ $reason }): { $count ->
    [one] 1 Änderung wartet in der Warteschlange und wird bei der nächsten Synchronisation gesendet.
   *[other] { $count } Änderungen warten in der Warteschlange und werden bei der nächsten Synchronisation gesendet.
}
cli-pim-sent = An den Server gesendet: { $count }.
cli-pim-merged = Mit einer anderswo vorgenommenen Änderung zusammengeführt: { $what }
cli-pim-kept-both = Gleichzeitig anderswo geändert: beide Fassungen bleiben erhalten ({ $what }); die Kopie ist mit „conflict copy“ gekennzeichnet.
cli-pim-refused = Vom Server abgelehnt: { $what }

## kapsel cal
cli-pim-all-day = ganztägig
cli-pim-series = (Serie)
cli-pim-day-of = (Tag { $n }/{ $span })
cli-pim-day-heading = { $weekday }, { $date }
cli-pim-no-appointments = Keine Termine.
cli-pim-series-truncated = Die Serie { $uid } hat mehr als { $max } Termine: nur die ersten werden angezeigt.
cli-pim-unreadable = { $count ->
    [one] 1 Objekt vom Server kann nicht gelesen werden
   *[other] { $count } Objekte vom Server können nicht gelesen werden
} (unverändert aufbewahrt; siehe `kapsel sync status`).
cli-pim-invitation-from = von { $organizer }
cli-pim-no-invitations = Keine Einladungen.
cli-pim-invitations-answer = Antworten Sie mit `kapsel cal respond MESSAGE accept|tentative|decline`.
cli-pim-responded = { $status }{ $place }; die Antwort an den Organisator { $reply }.
cli-pim-responded-in-calendar = , in Ihrem Kalender
cli-pim-reply-queued = liegt im Postausgang
cli-pim-reply-not-queued = wurde NICHT eingereiht (E-Mail ist nicht verfügbar)

## kapsel tasks
cli-pim-due = fällig { $date }
cli-pim-priority = Priorität { $priority }
cli-pim-no-tasks = Keine Aufgaben.
cli-pim-overdue = { $count } überfällig.

## kapsel contacts (die Bezeichnungen bilden eine Spalte)
cli-pim-contact-mail = E-Mail
cli-pim-contact-phone = Telefon
cli-pim-contact-org = Organisation
cli-pim-contact-title = Funktion
cli-pim-no-contacts = Keine Kontakte.
cli-pim-one-contact = 1 Kontakt.
cli-pim-contacts = { $count } Kontakte.

## kapsel sync, kapsel sync status
cli-pim-sync-new = neu
cli-pim-sync-changed = geändert
cli-pim-sync-removed = entfernt
cli-pim-unreadable-suffix = , { $count } nicht lesbar
cli-pim-sync-error = Fehler: { $error }
cli-pim-status-objects = Objekte
cli-pim-status-synced = zuletzt synchronisiert: { $when }
cli-pim-status-never = nie
cli-pim-status-queued = Änderungen in der Warteschlange: { $count }
cli-pim-status-refused = — abgelehnt: { $reason }
