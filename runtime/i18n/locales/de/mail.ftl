# Kapsel — mail, German. Every id in this file starts with `mailbox-`.

## Das Konto und die Einstellungen der Behörde
mailbox-mail-not-enabled = Ihre Behörde hat E-Mail nicht freigeschaltet
mailbox-no-imap-server = die Richtlinie Ihrer Behörde nennt keinen IMAP-Server
mailbox-no-sieve-server = die Richtlinie Ihrer Behörde nennt keinen ManageSieve-Server
mailbox-no-submission-server = die Richtlinie Ihrer Behörde nennt keinen Server für den Postversand
mailbox-no-login-stored = es ist keine Verzeichnisanmeldung gespeichert: melden Sie das Gerät mit --user LOGIN an
mailbox-oof-not-enabled = Ihre Behörde hat Abwesenheitsnotizen nicht freigeschaltet

## Nachrichten, Ordner, Entwürfe und Dokumente im Container
mailbox-no-such-message = keine Nachricht { $id } (siehe `kapsel mail list`)
mailbox-message-gone-from-server = die Nachricht { $id } ist nicht mehr auf dem Server (sie wurde verschoben oder gelöscht)
mailbox-large-message-no-server = diese große Nachricht ist noch nicht heruntergeladen, und es ist kein Server eingerichtet
mailbox-no-server-to-fetch-from = kein Server, von dem abgerufen werden kann
mailbox-no-server-for-message = kein Server, von dem die Nachricht abgerufen werden kann
mailbox-message-no-content = die Nachricht { $id } hat hier keinen Inhalt
mailbox-no-such-attachment = die Nachricht { $id } hat keinen Anhang { $index } (sie hat { $count })
mailbox-no-such-document = kein Dokument { $id } (siehe `kapsel doc list`)
mailbox-no-such-draft = kein Entwurf { $id } (siehe `kapsel mail drafts`)
mailbox-draft-damaged = ein Entwurf ist beschädigt: { $error }
mailbox-no-such-folder = kein Mailordner { $name } (siehe `kapsel mail folders`)
mailbox-no-such-folder-id = kein Mailordner { $id }
mailbox-folder-damaged = ein Eintrag eines Mailordners ist beschädigt: { $error }
mailbox-folder-vanished = ein Ordner ist beim Speichern verschwunden
mailbox-message-damaged = ein Nachrichteneintrag ist beschädigt: { $error }
mailbox-parser-stopped = die Verarbeitung der Nachrichten wurde abgebrochen
mailbox-pack-failed = die Nachrichten dieses Abschnitts konnten nicht gespeichert werden; sie werden beim nächsten Abgleich erneut geholt
mailbox-cannot-encode-answer = die Antwort kann nicht kodiert werden: { $error }
mailbox-not-a-flag = { $flag } ist keine Markierung (seen, flagged, answered oder ein Schlüsselwort)

## Eine Nachricht lesen
mailbox-no-headers = (keine Kopfzeilen)
mailbox-unreadable-part = (nicht lesbarer Teil)
mailbox-text-truncated = [… der Rest dieser Nachricht ist zu lang für die Anzeige]
mailbox-no-boundary = [Diese Nachricht gibt an, aus mehreren Teilen zu bestehen, aber nicht, wo sie beginnen; sie wird so gezeigt, wie sie ankam.]
mailbox-encrypted = [Diese Nachricht ist verschlüsselt (S/MIME) — sie kann hier nicht gelesen werden.]
mailbox-signed-opaque = [Diese Nachricht ist so signiert (S/MIME), dass der Text in der Signatur steckt — er kann hier nicht gezeigt werden.]
mailbox-forward-date = Datum: { $date }

## Postfächer anderer Personen und Gruppenpostfächer
mailbox-open-own-folder = { $name } ist einer Ihrer eigenen Ordner; öffnen Sie das Postfach einer anderen Person (z. B. shared/bob@agency) oder ein Gruppenpostfach (kapsel mail mailboxes)
mailbox-no-read-access = Sie haben keinen Zugriff auf { $name }: die Inhaberin oder der Inhaber hat Ihnen keine Leserechte erteilt (IMAP-ACL)
mailbox-no-post-right = Sie dürfen das Postfach { $address } lesen, aber nicht in seinem Namen senden (kein Senderecht)
mailbox-cannot-send-on-behalf = Sie können nicht im Namen von { $address } senden: öffnen Sie zuerst das Postfach (kapsel mail mailboxes --open NAME) — der Server muss es Ihnen freigeben

## Schreiben, Antworten, Weiterleiten
mailbox-not-a-mail-address = { $address } ist keine E-Mail-Adresse
mailbox-no-recipient = die Nachricht hat keinen Empfänger (--to)
mailbox-subject-one-line = der Betreff muss aus einer Zeile bestehen
mailbox-cannot-build = die Nachricht kann nicht erstellt werden: { $error }
mailbox-reply-wrote = { $sender } schrieb:
mailbox-reply-someone = Jemand
mailbox-forward-header = -------- Weitergeleitete Nachricht --------
mailbox-forward-from = Von: { $from }
mailbox-forward-to = An: { $to }
mailbox-forward-subject = Betreff: { $subject }
# The word before an HTML image's alt text in a mail: [Bild: Logo]
mailbox-image = Bild
mailbox-forward-not-attached = [Kapsel konnte nicht anhängen: { $list }]

## Der Postausgang
mailbox-outbox-damaged = ein Eintrag im Postausgang ist beschädigt: { $error }
mailbox-outbox-in-doubt = die Sitzung endete, während diese Nachricht an den Server übergeben wurde; sie wurde möglicherweise schon gesendet. Sehen Sie im Ordner „Gesendet“ nach oder fragen Sie beim Empfänger nach, und wählen Sie dann `kapsel mail outbox --retry` oder `--discard`.
mailbox-outbox-sending-now = die Nachricht { $id } im Postausgang wird gerade gesendet
mailbox-outbox-no-such = keine Nachricht { $id } im Postausgang
mailbox-outbox-lost-content = die Nachricht { $id } im Postausgang hat ihren Inhalt verloren

## Synchronisation, ihr Zeitplan und der Hintergrunddienst
mailbox-sync-busy = im Hintergrund läuft eine lange Synchronisation; siehe `kapsel sync status`, und versuchen Sie es erneut, wenn sie beendet ist
mailbox-flag-not-allowed = { $folder } erlaubt Ihnen nicht, { $flag } zu ändern: Ihre Rechte dort sind „{ $rights }“, nötig ist „{ $needed }“ (IMAP-ACL); die Änderung wurde nicht vorgenommen
mailbox-cannot-start-worker = der Hintergrunddienst für E-Mail kann nicht gestartet werden
mailbox-push-failed = Push: { $error }
mailbox-sync-internal-error = ein interner Fehler hat diese Synchronisierung beendet; er wurde protokolliert (siehe `kapsel audit-log`), die nächste Runde läuft wie geplant
mailbox-search-no-words = die Suche enthält keine Wörter (Buchstaben oder Ziffern, mindestens zwei)
mailbox-schedule-empty-window = das Synchronisationsfenster { $from }–{ $to } ist leer: der Beginn muss vor dem Ende liegen
mailbox-schedule-outside-hours = Ihre Behörde erlaubt die Synchronisation nur zwischen { $earliest } und { $latest } Uhr
mailbox-schedule-day-not-allowed = Ihre Behörde erlaubt am { $day } keine Synchronisation
mailbox-schedule-no-day = wählen Sie mindestens einen Tag
mailbox-schedule-interval = Ihre Behörde erlaubt ein Synchronisationsintervall von { $min }–{ $max } Minuten
mailbox-schedule-no-push = Ihre Behörde erlaubt kein Push (IDLE)
mailbox-not-a-weekday = { $text } ist kein Wochentag (mon … sun)
mailbox-days-backwards = { $text }: der Bereich läuft rückwärts
mailbox-weekday-mon = Montag
mailbox-weekday-tue = Dienstag
mailbox-weekday-wed = Mittwoch
mailbox-weekday-thu = Donnerstag
mailbox-weekday-fri = Freitag
mailbox-weekday-sat = Samstag
mailbox-weekday-sun = Sonntag

## Abwesenheitsnotizen
mailbox-oof-the-start-date = das Anfangsdatum
mailbox-oof-the-end-date = das Enddatum
mailbox-oof-the-internal-text = der Antworttext für interne Absender
mailbox-oof-the-external-text = der Antworttext für externe Absender
mailbox-oof-date-shape = { $what } { $text } muss im Format JJJJ-MM-TT angegeben werden, z. B. 2026-12-24
mailbox-oof-date-year-zero = { $what } { $text } ist ungültig: ein Jahr 0000 gibt es nicht
mailbox-oof-date-no-month = { $what } { $text } ist kein gültiges Datum: einen Monat { $month } gibt es nicht
mailbox-oof-date-no-day = { $what } { $text } ist kein gültiges Datum: der { $month } { $year } hat { $days } Tage
mailbox-month-january = Januar
mailbox-month-february = Februar
mailbox-month-march = März
mailbox-month-april = April
mailbox-month-may = Mai
mailbox-month-june = Juni
mailbox-month-july = Juli
mailbox-month-august = August
mailbox-month-september = September
mailbox-month-october = Oktober
mailbox-month-november = November
mailbox-month-december = Dezember
mailbox-oof-not-a-domain = { $domain } ist kein Domänenname (bitte in der Form corp.example angeben, ohne @)
mailbox-oof-text-empty = { $what } ist leer
mailbox-oof-text-too-long = { $what } ist { $size } KiB lang; höchstens { $max } KiB sind erlaubt
mailbox-oof-text-control = { $what } enthält das Steuerzeichen { $char }
mailbox-oof-end-before-start = das Enddatum { $end } liegt vor dem Anfangsdatum { $start }
mailbox-oof-subject-empty = der Betreff der Abwesenheitsnotiz ist leer
mailbox-oof-subject-multiline = der Betreff der Abwesenheitsnotiz muss aus einer einzigen Zeile bestehen
mailbox-oof-subject-too-long = der Betreff der Abwesenheitsnotiz ist länger als { $max } Zeichen
mailbox-oof-too-many-domains = höchstens { $max } interne Domänen sind erlaubt
mailbox-oof-not-an-address = { $address } ist keine E-Mail-Adresse (name@domain)
mailbox-oof-cannot-include = { $script } kann nicht in das Skript der Abwesenheitsnotiz eingebunden werden
mailbox-oof-settings-unencodable = die Einstellungen der Abwesenheitsnotiz: { $error }
mailbox-oof-script-changed = das Sieve-Skript { $script } auf dem Mailserver wurde außerhalb von Kapsel geändert ({ $reason }); schalten Sie die Abwesenheitsnotiz aus und richten Sie sie neu ein
mailbox-oof-changed-first-line = seine erste Zeile ist nicht der Einstellungskommentar von Kapsel
mailbox-oof-changed-unreadable = der Einstellungskommentar ist nicht lesbar: { $error }
mailbox-oof-changed-invalid = die gespeicherten Einstellungen sind ungültig: { $error }
mailbox-oof-format-version = die Abwesenheitsnotiz wurde von einer Kapsel-Version mit Einstellungsformat { $found } eingerichtet; diese Version liest Format { $supported }
mailbox-oof-missing-extensions = dem Sieve-Server fehlen die Erweiterung(en) { $missing }, die die Abwesenheitsnotiz braucht

## Verbindungen (IMAP, SMTP, ManageSieve)
mailbox-connection-closed = { $peer } hat die Verbindung geschlossen
mailbox-no-starttls = { $peer } bietet kein STARTTLS an; Kapsel sendet ein Passwort niemals unverschlüsselt
mailbox-tls-injection = { $peer } hat vor dem TLS-Handshake Daten gesendet (möglicher Einschleusungsversuch)
mailbox-no-reason-given = kein Grund angegeben

## IMAP
mailbox-imap-bad-data = { $peer } hat Fehlerhaftes gesendet: { $error }
mailbox-imap-no-login-method = { $peer } bietet keine nutzbare Anmeldung an (AUTH=PLAIN über TLS)
mailbox-imap-login-refused = der IMAP-Server hat die Anmeldung für { $user } abgelehnt: { $reason }
mailbox-imap-bye = { $peer } hat die Sitzung beendet: { $reason }
mailbox-imap-bad-greeting = { $peer } ist kein IMAP-Server oder hat die Verbindung abgelehnt: { $greeting }
mailbox-cannot-open = das Postfach { $name } kann nicht geöffnet werden: { $reason }
mailbox-no-uidvalidity = { $peer } hat für { $name } keine UIDVALIDITY gesendet: der Ordner kann nicht sicher synchronisiert werden
mailbox-search-no-results = { $peer } hat SEARCH ohne Ergebnisse beantwortet
mailbox-idle-refused = IDLE abgelehnt: { $reason }
mailbox-idle-long-line = { $peer } hat während IDLE eine überlange Zeile gesendet

## ManageSieve
mailbox-sieve-protocol = { $peer } hat das ManageSieve-Protokoll verletzt: { $detail }
mailbox-sieve-login-after-cancel = eine Anmeldung, die nach dem Abbruch noch gelang
mailbox-sieve-second-challenge = eine zweite SASL-Abfrage
mailbox-sieve-malformed-getscript = eine fehlerhafte Antwort auf GETSCRIPT
mailbox-sieve-script-not-utf8 = das Skript { $name } ist nicht in UTF-8
mailbox-sieve-data-before-tls = Daten nach der Antwort auf STARTTLS, vor TLS
mailbox-sieve-bad-credentials = der Sieve-Benutzername darf nicht leer sein, und weder er noch das Passwort darf NUL enthalten
mailbox-sieve-no-plain = { $peer } bietet keine Passwortanmeldung (SASL PLAIN) über TLS an; angeboten wird: { $offered }
mailbox-sieve-offers-nothing = nichts
mailbox-sieve-extra-challenge = { $peer } hat mehr verlangt, als SASL PLAIN erlaubt; Anmeldung abgebrochen ({ $reason })
mailbox-sieve-login-refused = der Sieve-Server hat die Anmeldung für { $user } abgelehnt: { $reason }
mailbox-sieve-bye = { $peer } hat die Sitzung beendet: { $reason }
mailbox-sieve-refused = der Sieve-Server { $peer } hat es abgelehnt, { $action }: { $reason }
mailbox-sieve-action-list = die Skripte aufzulisten
mailbox-sieve-action-get = das Skript { $name } zu senden
mailbox-sieve-action-put = das Skript { $name } zu speichern
mailbox-sieve-action-activate = das Skript { $name } zu aktivieren
mailbox-sieve-action-delete = das Skript { $name } zu löschen
mailbox-sieve-script-too-large = das Sieve-Skript { $name } ist größer als { $max } MiB
mailbox-sieve-no-room = der Sieve-Server hat keinen Platz für das Skript { $name }: { $reason }
mailbox-sieve-quota-exceeded = Speicherkontingent überschritten
mailbox-sieve-script-rejected = der Sieve-Server hat das Skript { $name } zurückgewiesen: { $reason }
mailbox-sieve-script-not-found = Sieve-Skript { $name }
mailbox-sieve-session-refused = { $peer } hat die Sitzung abgelehnt: { $reason }
mailbox-sieve-starttls-refused = { $peer } hat STARTTLS abgelehnt: { $reason }
mailbox-sieve-bye-after-starttls = { $peer } hat die Sitzung nach STARTTLS beendet: { $reason }
mailbox-sieve-no-starttls = { $peer } bietet kein STARTTLS an: Kapsel sendet das Passwort nicht ohne TLS

## Versand über SMTP
mailbox-send-transient = vorerst nicht gesendet (ein neuer Versuch lohnt sich): { $reason }
mailbox-send-permanent = die Nachricht kann nicht gesendet werden: { $reason }
mailbox-send-auth = die Anmeldung am Mailserver ist fehlgeschlagen: { $reason } (prüfen Sie Benutzername und Passwort des Kontos; die Nachricht bleibt im Postausgang)
mailbox-send-tls = keine sichere Verbindung zum Mailserver, es wurde nichts gesendet: { $reason }
mailbox-smtp-protocol = { $peer } hat das SMTP-Protokoll verletzt: { $detail }
mailbox-smtp-unexpected-reply = unerwartete Antwort auf { $after }: { $reply }
mailbox-smtp-end-of-message = das Ende der Nachricht
mailbox-smtp-ehlo-later = { $peer } hat EHLO vorerst abgelehnt: { $reply }
mailbox-smtp-ehlo-refused = { $peer } hat EHLO abgelehnt (kein ESMTP-Server für den Postversand?): { $reply }
mailbox-smtp-login-later = { $peer } kann die Anmeldung für { $user } gerade nicht prüfen: { $reply }
mailbox-smtp-login-refused = { $peer } hat die Anmeldung für { $user } abgelehnt: { $reply }
mailbox-smtp-nul = der Benutzername oder das Passwort enthält ein NUL-Zeichen
mailbox-smtp-no-auth-method = { $peer } bietet kein Anmeldeverfahren an, das Kapsel unterstützt (angeboten: { $offered }; Kapsel braucht PLAIN oder LOGIN)
mailbox-smtp-offers-none = keines
mailbox-smtp-the-sender-address = die Absenderadresse
mailbox-smtp-the-recipient-address = die Empfängeradresse
mailbox-smtp-bad-address = { $which } { $address } ist keine gültige E-Mail-Adresse
mailbox-size-bytes = { $count } Bytes
mailbox-smtp-no-recipients = die Nachricht hat keine Empfänger
mailbox-smtp-empty-recipient = eine Empfängeradresse ist leer
mailbox-smtp-over-size-limit = die Nachricht ist { $size } groß, { $peer } nimmt aber höchstens { $limit } an
mailbox-smtp-no-smtputf8 = { $peer } kann keine internationalisierten Adressen (mit Nicht-ASCII-Zeichen) annehmen
mailbox-smtp-sender-later = { $peer } hat den Absender { $sender } vorerst nicht angenommen: { $reply }
mailbox-smtp-sender-refused = { $peer } hat den Absender { $sender } abgelehnt: { $reply }
mailbox-smtp-too-big = die Nachricht ist zu groß für { $peer }: { $reply }
mailbox-smtp-recipients-refused = { $peer } hat folgende Empfänger abgelehnt: { $recipients }
mailbox-smtp-recipients-later = { $peer } hat folgende Empfänger vorerst nicht angenommen: { $recipients }
mailbox-smtp-message-later = { $peer } hat die Nachricht vorerst nicht angenommen: { $reply }
mailbox-smtp-message-refused = { $peer } hat die Nachricht abgelehnt: { $reply }
mailbox-smtp-stopped = der Versand wurde abgebrochen, bevor der Server die Nachricht angenommen hat: { $reason }
mailbox-smtp-in-doubt = die Verbindung zu { $peer } ist abgebrochen, nachdem die ganze Nachricht übergeben war; sie wurde möglicherweise gesendet ({ $error })
mailbox-smtp-greeting-refused = { $peer } nimmt gerade keine Post an: { $greeting }
mailbox-smtp-starttls-refused = { $peer } hat TLS nicht gestartet: { $reply }
mailbox-smtp-connection-unusable = die Verbindung zu { $peer } ist nicht mehr nutzbar; stellen Sie die Verbindung neu her
