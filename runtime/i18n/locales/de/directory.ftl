# Kapsel — directory, German. Every id in this file starts with `ldap-`.


## Einrichtung: was Behörde und Container bereitstellen müssen
ldap-no-login = es ist kein Anmeldename für das Verzeichnis gespeichert: den Container mit --user LOGIN einrichten
ldap-no-service-password = die Behörde meldet sich mit einem Dienstkonto am Verzeichnis an, dessen Passwort noch nicht gespeichert ist: `kapsel dir service-password` ausführen
ldap-not-enabled = die Behörde hat das Verzeichnis nicht freigeschaltet
ldap-no-server = die Richtlinie der Behörde nennt keinen LDAP-Server
ldap-server-not-url = servers.ldap { $server } ist keine URL: { $error }
ldap-server-scheme = servers.ldap { $server } muss ldaps://host[:port] oder ldap://host[:port] lauten
ldap-no-base-dn = die Richtlinie der Behörde nennt keinen servers.ldap_base_dn
ldap-empty-service-password = das Passwort des Dienstkontos ist leer

## Verbindung zum Server ($what ist eine der ldap-what-*-Wendungen)
ldap-what-connection = die Verbindung
ldap-what-login = die Anmeldung
ldap-what-login-lookup = die Suche nach dem Anmeldenamen
ldap-what-search = die Suche
ldap-invalid-credentials = das Verzeichnis { $server } hat die Anmeldung abgelehnt: ungültige Zugangsdaten
ldap-refused = das Verzeichnis { $server } hat { $what } abgelehnt: Ergebnis { $code } { $text }
ldap-timeout = das Verzeichnis { $server } hat nicht rechtzeitig geantwortet ({ $what })
ldap-tls = TLS zum Verzeichnis { $server }: { $error }
ldap-failed = das Verzeichnis { $server } ({ $what }): { $error }
ldap-unknown-host = das Verzeichnis { $server } wurde nicht gefunden: { $error }
ldap-socket = das Verzeichnis { $server }: { $error }
ldap-unreachable = das Verzeichnis { $server } ist nicht erreichbar: { $error }
ldap-no-address = das Verzeichnis { $server } hat keine Adresse
ldap-empty-password = mit einem leeren Passwort ist keine Anmeldung am Verzeichnis möglich
ldap-login-unknown = das Verzeichnis { $server } hat keinen Eintrag für den Anmeldenamen { $login }
ldap-login-ambiguous = das Verzeichnis { $server } hat mehr als einen Eintrag für den Anmeldenamen { $login }
ldap-search-too-long = die Verzeichnissuche hat länger als { $seconds } s gedauert: bitte die Suche eingrenzen
ldap-search-time-limit = das Verzeichnis hat die Suche an seinem Zeitlimit ({ $seconds } s) abgebrochen: bitte die Suche eingrenzen

## Die Suche, die eingegeben wurde
ldap-unknown-field = unbekanntes Feld { $field }: any, name, mail, phone, department oder login verwenden
ldap-query-empty = geben Sie einen Namen, eine Adresse oder eine Nummer ein, nach der gesucht werden soll
ldap-query-too-long = der Suchtext ist länger als { $max } Zeichen
ldap-query-control = der Suchtext enthält Steuerzeichen
