# Kapsel — cli-mail, German. Every id in this file starts with `cli-mail-`.


## Den Nachrichtentext von der Standardeingabe lesen
cli-mail-cannot-read-text = der Nachrichtentext kann nicht gelesen werden

## Nachrichtenlisten (`kapsel mail list`, `kapsel mail search`)
cli-mail-list-attachments = [{ $count ->
        [one] { $count } Anhang
       *[other] { $count } Anhänge
    }]
cli-mail-no-messages = Keine Nachrichten.
cli-mail-search-hits = ({ $count } Treffer in { $ms } ms)

## Eine Nachricht lesen (`kapsel mail read`); die Kopfzeilen richtet der Code aus
cli-mail-head-from = Von:
cli-mail-head-to = An:
cli-mail-head-cc = Cc:
cli-mail-head-date = Datum:
cli-mail-head-subject = Betreff:
cli-mail-head-folder = Ordner:
cli-mail-head-sender = Gesendet von:
cli-mail-read-message-id = (Nachricht { $id })
cli-mail-read-attachment = Anhang { $index }: { $name } ({ $media_type }, { $size } Byte) — kapsel mail attach { $id } { $index }
cli-mail-read-attachment-inline = Eingebettetes Bild { $index }: { $name } ({ $media_type }, { $size } Byte, im Text gezeigt) — kapsel mail attach { $id } { $index }
cli-mail-read-attachment-within = (in der weitergeleiteten Nachricht { $index })
cli-mail-read-warning-dangerous = ⚠ Vorsicht: ein Programm, Skript, eine Verknüpfung oder ein Dokument mit Makros — es kann beim Öffnen selbst etwas ausführen
cli-mail-read-warning-mismatch = ⚠ Vorsicht: der Name sagt { $named }, der Inhalt ist aber { $content }
cli-mail-read-date-arrival = (der Absender hat kein gültiges Datum angegeben: dies ist der Eingang beim Server)
cli-mail-read-signed = Signiert (S/MIME) — die Signatur ist nicht geprüft
cli-mail-read-encrypted = Verschlüsselt (S/MIME) — die Nachricht kann hier nicht gelesen werden

## Synchronisation (`kapsel sync now`)
cli-mail-synced = { $folders } Ordner synchronisiert: { $new } neu, { $flag_updates ->
        [one] { $flag_updates } Markierung
       *[other] { $flag_updates } Markierungen
    } aktualisiert, { $flags_pushed ->
        [one] { $flags_pushed } Markierungsänderung
       *[other] { $flags_pushed } Markierungsänderungen
    } an den Server übertragen, { $removed } entfernt, { $resets ->
        [one] { $resets } UIDVALIDITY-Rücksetzung
       *[other] { $resets } UIDVALIDITY-Rücksetzungen
    } in { $seconds } s{ $qresync }.
cli-mail-sent-queued = { $count ->
        [one] { $count } wartende Nachricht gesendet.
       *[other] { $count } wartende Nachrichten gesendet.
    }
cli-mail-still-queued = { $count ->
        [one] { $count } Nachricht wartet noch im Postausgang: { $error }
       *[other] { $count } Nachrichten warten noch im Postausgang: { $error }
    }

## Senden (`kapsel mail compose`, `reply`, `forward`, `drafts --send`)
cli-mail-saved-draft = Als Entwurf { $draft } gespeichert (versiegelt). Senden mit: kapsel mail drafts --send { $draft }
cli-mail-sent = Gesendet.
cli-mail-queued = In den Postausgang gestellt ({ $outbox }): { $reason }. Die Nachricht wird gesendet, sobald der Server erreichbar ist.
cli-mail-not-sent-yet = noch nicht gesendet

## Wochentage im Synchronisationszeitplan
cli-mail-day-mon = Mo
cli-mail-day-tue = Di
cli-mail-day-wed = Mi
cli-mail-day-thu = Do
cli-mail-day-fri = Fr
cli-mail-day-sat = Sa
cli-mail-day-sun = So

## Stand der Synchronisation (`kapsel sync status`)
cli-mail-true = ja
cli-mail-false = nein
cli-mail-never = noch nie
cli-mail-status-last-sync = Letzte Synchronisation: { $time }{ $error }
cli-mail-status-error = (Fehler: { $error })
cli-mail-status-running = Läuft gerade: { $running }{ $progress }
cli-mail-status-push = Push (IDLE) wartet gerade: { $active }
cli-mail-status-outbox = Postausgang: { $count ->
        [one] { $count } Nachricht
       *[other] { $count } Nachrichten
    }
cli-mail-status-schedule = Zeitplan: { $days } { $from }–{ $to } Uhr, { $every ->
        [one] jede Minute
       *[other] alle { $every } min
    }, Push { $push }

## Synchronisationszeitplan (`kapsel sync schedule`); `on` und `off` nach --push tippt der Benutzer so ein
cli-mail-push-takes-on-off = --push erwartet on oder off, nicht { $value }
cli-mail-push-on = ein
cli-mail-push-off = aus
cli-mail-push-allowed = erlaubt
cli-mail-push-not-allowed = nicht erlaubt
cli-mail-schedule-own = Synchronisation an den Tagen { $days } von { $from } bis { $to } Uhr, { $every ->
        [one] jede Minute
       *[other] alle { $every } Minuten
    }, Push { $push }.
cli-mail-schedule-tenant = Ihre Behörde erlaubt: die Tage { $days } von { $from } bis { $to } Uhr, alle { $min }–{ $max } Minuten, Push { $push }.

## Ordner und Postfächer (`kapsel mail folders`, `kapsel mail mailboxes`)
cli-mail-col-messages = Nachrichten
cli-mail-col-unread = ungelesen
cli-mail-col-rights = Rechte
cli-mail-origin-own = eigenes Postfach
cli-mail-origin-other-user = Benutzerpostfach
cli-mail-origin-shared = Funktionspostfach
cli-mail-folder-origin = ({ $origin }, Rechte { $rights })
cli-mail-no-folders = Noch keine Ordner: führen Sie `kapsel sync now` aus.
cli-mail-mailbox-open = (geöffnet)
cli-mail-mailbox-opened = { $name } geöffnet (Rechte { $rights }); seine Ordner werden jetzt synchronisiert.
cli-mail-mailbox-closed = { $name } geschlossen; seine Nachrichten wurden aus dem Container entfernt.
cli-mail-no-mailboxes = Für Sie sind keine weiteren Postfächer freigegeben.

## Markierungen, Verschieben, Anhänge
cli-mail-flag-set = Markierung { $flag } an Nachricht { $id } gesetzt (wird bei der nächsten Synchronisation an den Server übertragen).
cli-mail-flag-cleared = Markierung { $flag } an Nachricht { $id } entfernt (wird bei der nächsten Synchronisation an den Server übertragen).
cli-mail-moved = Nachricht { $id } nach { $folder } verschoben.
cli-mail-attachment-kept = Im Container als Dokument { $id } ({ $name }) abgelegt.
cli-mail-viewer-failed = (der Betrachter konnte es nicht öffnen: { $error })

## Entwürfe und Postausgang (`kapsel mail drafts`, `kapsel mail outbox`)
cli-mail-draft-row = { $id }  an { $to }  { $subject }
cli-mail-no-drafts = Keine Entwürfe.
cli-mail-retried = { $id } erneut versucht: { $result }
cli-mail-retried-sent = gesendet
cli-mail-discarded = { $id } verworfen.
cli-mail-state-queued = wartet
cli-mail-state-sending = wird gesendet
cli-mail-state-in-doubt = unklar
cli-mail-state-failed = fehlgeschlagen
cli-mail-outbox-row = { $id }  { $state } an { $to }  { $subject }  (Versuche: { $attempts })
cli-mail-outbox-empty = Der Postausgang ist leer.

## Abwesenheitsnotiz (`kapsel mail oof`)
cli-mail-oof-incomplete = um eine Abwesenheitsnotiz einzurichten, geben Sie --start, --end und --internal an (und --external für Absender außerhalb Ihrer Behörde)
cli-mail-oof-none = Es ist keine Abwesenheitsnotiz eingerichtet.
cli-mail-oof-window = Abwesend vom { $start } bis { $end } (einschließlich)
cli-mail-oof-subject = Betreff: { $subject }
cli-mail-oof-to-colleagues = An Kolleginnen und Kollegen:
cli-mail-oof-to-others = An alle anderen:
