# Kapsel — session, German. Every id in this file starts with `session-`.

## Den Sitzungsdienst über seinen Socket erreichen
session-socket-path-too-long = der Container-Pfad { $path } ist zu lang für den Sitzungs-Socket ({ $length } Byte, höchstens { $max }); verwenden Sie mit --container einen kürzeren Pfad
session-unreachable = der Sitzungsdienst unter { $path } ist nicht erreichbar
session-encode-request = die Anfrage kann nicht kodiert werden: { $error }
session-cannot-talk = mit dem Sitzungsdienst kann nicht kommuniziert werden
session-socket = Sitzungs-Socket
session-no-answer = keine Antwort vom Sitzungsdienst
session-agent-closed = der Sitzungsdienst hat die Verbindung geschlossen (möglicherweise hat er sich selbst gesperrt)
session-unreadable-answer = unlesbare Antwort: { $error }
session-agent-slow-stop = der Sitzungsdienst hat sich nicht rechtzeitig beendet
session-events-broke = der Ereignisstrom der Sitzung ist abgebrochen
session-unreadable-event = unlesbares Ereignis: { $error }

## Den Sitzungsdienst starten
session-binary-not-found = das kapsel-Programm wurde nicht gefunden
session-agent-start = der Sitzungsdienst kann nicht gestartet werden
session-no-pipe-to = keine Pipe zum Sitzungsdienst
session-password-handover = das Passwort kann nicht an den Sitzungsdienst übergeben werden
session-no-pipe-from = keine Pipe vom Sitzungsdienst
session-agent = Sitzungsdienst
session-agent-ended = der Sitzungsdienst wurde ohne Antwort beendet ({ $status })
