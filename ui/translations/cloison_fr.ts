<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>cloison::ui</name>
    <message>
        <location filename="../TextDisplay.cpp" line="60"/>
        <source> [blocked: on the phishing list]</source>
        <translation> [bloqué : sur la liste d'hameçonnage]</translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="62"/>
        <source> [suspicious link]</source>
        <translation> [lien suspect]</translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="63"/>
        <source> [suspicious: imitates %1]</source>
        <translation> [suspect : imite %1]</translation>
    </message>
</context>
<context>
    <name>cloison::ui::CompartmentView</name>
    <message>
        <location filename="../CompartmentView.cpp" line="103"/>
        <source>This compartment has no account yet: it is offline.</source>
        <translation>Ce compartiment n'a pas encore de compte : il est hors ligne.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="107"/>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="122"/>
        <source>&amp;Conversations</source>
        <translation>&amp;Conversations</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="126"/>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="130"/>
        <source>Start a conversation: name@server</source>
        <translation>Nouvelle conversation : nom@serveur</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="131"/>
        <source>Address for a new conversation</source>
        <translation>Adresse d'une nouvelle conversation</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="149"/>
        <source>Device warning</source>
        <translation>Avertissement sur les appareils</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="155"/>
        <source>Loading history</source>
        <translation>Chargement de l'historique</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="163"/>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="171"/>
        <source>Message to send</source>
        <translation>Message à envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="172"/>
        <source>Write a message (Ctrl+Enter sends)</source>
        <translation>Écrire un message (Ctrl+Entrée envoie)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="178"/>
        <source>&amp;Send</source>
        <translation>&amp;Envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="179"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="194"/>
        <source>&amp;Messages</source>
        <translation>&amp;Messages</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="206"/>
        <source>QR code of this device&apos;s fingerprint</source>
        <translation>Code QR de l'empreinte de cet appareil</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="212"/>
        <source>This device (%1, device %2) in this compartment:
%3
Others scan the code below, or compare the fingerprint out loud, to verify it.</source>
        <translation>Cet appareil (%1, appareil %2) dans ce compartiment :
%3
Les autres scannent le code ci-dessous, ou comparent l'empreinte à voix haute, pour le vérifier.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="219"/>
        <source>This compartment has no device key yet: it is made the first time the compartment connects.</source>
        <translation>Ce compartiment n'a pas encore de clé d'appareil : elle est créée à sa première connexion.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Fingerprint</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="227"/>
        <source>Contacts&apos; devices</source>
        <translation>Appareils des contacts</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="237"/>
        <source>trusted blindly</source>
        <translation>confiance aveugle</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="238"/>
        <source>⚠ not verified (not certified by the organisation)</source>
        <translation>⚠ non vérifié (non certifié par l'organisation)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="244"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="245"/>
        <source>Refresh devices and key events</source>
        <translation>Actualiser les appareils et les événements de clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="248"/>
        <source>&amp;Devices</source>
        <translation>A&amp;ppareils</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>#</source>
        <translation>n°</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="255"/>
        <source>Key events</source>
        <translation>Événements de clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="268"/>
        <source>&amp;Key events</source>
        <translation>Événements de &amp;clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="273"/>
        <source>Room: %1</source>
        <translation>Salon : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="326"/>
        <source>An address looks like name@server.</source>
        <translation>Une adresse a la forme nom@serveur.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="340"/>
        <source>Choose a conversation first.</source>
        <translation>Choisissez d'abord une conversation.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="344"/>
        <source>This compartment is not connected: nothing was sent.</source>
        <translation>Ce compartiment n'est pas connecté : rien n'a été envoyé.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="366"/>
        <location filename="../CompartmentView.cpp" line="370"/>
        <source>Online as %1</source>
        <translation>En ligne en tant que %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="375"/>
        <source>Offline, retrying: %1</source>
        <translation>Hors ligne, nouvel essai : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="375"/>
        <source>Offline: %1</source>
        <translation>Hors ligne : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="401"/>
        <source>The organisation&apos;s device list is up to date (%1)</source>
        <translation>La liste des appareils de l'organisation est à jour (%1)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="406"/>
        <source>Retention policy: older messages deleted from this compartment: %1</source>
        <translation>Politique de conservation : anciens messages supprimés de ce compartiment : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="410"/>
        <source>The retention purge failed: %1</source>
        <translation>La purge de conservation a échoué : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="414"/>
        <source>Refused the device list the server offered: %1</source>
        <translation>Liste d'appareils proposée par le serveur refusée : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="420"/>
        <source>Refused a message from %1: %2</source>
        <translation>Message de %1 refusé : %2</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="421"/>
        <source>the server</source>
        <translation>le serveur</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="445"/>
        <source>me</source>
        <translation>moi</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="447"/>
        <source>device %1</source>
        <translation>appareil %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="450"/>
        <source>[trusted]</source>
        <translation>[de confiance]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="450"/>
        <source>[⚠ unverified device]</source>
        <translation>[⚠ appareil non vérifié]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="455"/>
        <source>[sent]</source>
        <translation>[envoyé]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="458"/>
        <source>[sending…]</source>
        <translation>[envoi…]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="461"/>
        <source>[✓ on the server]</source>
        <translation>[✓ sur le serveur]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="464"/>
        <source>[✗ not sent: %1]</source>
        <translation>[✗ non envoyé : %1]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="476"/>
        <source>No conversation yet</source>
        <translation>Pas encore de conversation</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="501"/>
        <source>⚠ Unverified devices wrote here: %1. Nobody has verified their keys; compare fingerprints (Devices tab) before trusting what they say.</source>
        <translation>⚠ Des appareils non vérifiés ont écrit ici : %1. Personne n'a vérifié leurs clés ; comparez les empreintes (onglet Appareils) avant de vous fier à ce qu'ils disent.</translation>
    </message>
    <message numerus="yes">
        <location filename="../CompartmentView.cpp" line="506"/>
        <source>⚠ %n suspicious link(s) shown defanged: do not open them.</source>
        <translation><numerusform>⚠ %n lien suspect affiché désamorcé : ne l'ouvrez pas.</numerusform><numerusform>⚠ %n liens suspects affichés désamorcés : ne les ouvrez pas.</numerusform></translation>
    </message>
</context>
<context>
    <name>cloison::ui::MainWindow</name>
    <message>
        <location filename="../MainWindow.cpp" line="43"/>
        <location filename="../MainWindow.cpp" line="336"/>
        <location filename="../MainWindow.cpp" line="354"/>
        <source>Cloison</source>
        <translation>Cloison</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="91"/>
        <source>Active compartment</source>
        <translation>Compartiment actif</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="93"/>
        <source>Lock (Ctrl+L)</source>
        <translation>Verrouiller (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="95"/>
        <source>Lock Cloison</source>
        <translation>Verrouiller Cloison</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="105"/>
        <source>Compartments</source>
        <translation>Compartiments</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="132"/>
        <source>Could not list the compartments: %1</source>
        <translation>Impossible de lister les compartiments : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="141"/>
        <source>This compartment is sealed: it opens only with its own security key.</source>
        <translation>Ce compartiment est scellé : il ne s'ouvre qu'avec sa propre clé de sécurité.</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="146"/>
        <source>This compartment could not be opened: %1</source>
        <translation>Ce compartiment n'a pas pu être ouvert : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="172"/>
        <source>&amp;Open with my security key</source>
        <translation>&amp;Ouvrir avec ma clé de sécurité</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="173"/>
        <source>Open the sealed compartment with the security key</source>
        <translation>Ouvrir le compartiment scellé avec la clé de sécurité</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="187"/>
        <source>Touch your security key now</source>
        <translation>Touchez votre clé de sécurité maintenant</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="213"/>
        <source>not opened: %1</source>
        <translation>non ouvert : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="239"/>
        <source>Could not refresh: %1</source>
        <translation>Actualisation impossible : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="295"/>
        <source>🔒 %1 — sealed compartment</source>
        <translation>🔒 %1 — compartiment scellé</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="296"/>
        <source>■ %1 — compartment</source>
        <translation>■ %1 — compartiment</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="297"/>
        <source>Cloison — %1</source>
        <translation>Cloison — %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="312"/>
        <source>🔒 %1 (sealed)</source>
        <translation>🔒 %1 (scellé)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="333"/>
        <source>New message in Cloison</source>
        <translation>Nouveau message dans Cloison</translation>
    </message>
</context>
<context>
    <name>cloison::ui::UnlockScreen</name>
    <message>
        <location filename="../UnlockScreen.cpp" line="17"/>
        <source>Wrong passphrase.</source>
        <translation>Phrase de passe incorrecte.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="19"/>
        <source>No profile here.</source>
        <translation>Aucun profil ici.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="21"/>
        <source>The profile is damaged or was modified: it was not opened.</source>
        <translation>Le profil est endommagé ou a été modifié : il n'a pas été ouvert.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="23"/>
        <source>No security key found. Plug in your key and try again.</source>
        <translation>Aucune clé de sécurité trouvée. Branchez votre clé et réessayez.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="25"/>
        <source>This security key is not one enrolled for this profile.</source>
        <translation>Cette clé de sécurité n'est pas enregistrée pour ce profil.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="27"/>
        <source>The key was not touched in time. Try again.</source>
        <translation>La clé n'a pas été touchée à temps. Réessayez.</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="31"/>
        <source>Security key PIN: %1</source>
        <translation>Code PIN de la clé de sécurité : %1</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="33"/>
        <source>Could not unlock: %1</source>
        <translation>Déverrouillage impossible : %1</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="88"/>
        <source>Cloison is locked</source>
        <translation>Cloison est verrouillé</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="89"/>
        <location filename="../UnlockScreen.cpp" line="90"/>
        <source>Passphrase</source>
        <translation>Phrase de passe</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="91"/>
        <source>&amp;Unlock</source>
        <translation>&amp;Déverrouiller</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="92"/>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="93"/>
        <location filename="../UnlockScreen.cpp" line="94"/>
        <source>Touch your security key now</source>
        <translation>Touchez votre clé de sécurité maintenant</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="95"/>
        <source>Profile folder</source>
        <translation>Dossier du profil</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="115"/>
        <source>Unlocking…</source>
        <translation>Déverrouillage…</translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="202"/>
        <source>You can try again.</source>
        <translation>Vous pouvez réessayer.</translation>
    </message>
    <message numerus="yes">
        <location filename="../UnlockScreen.cpp" line="207"/>
        <source>Too many failed attempts: wait %n second(s).</source>
        <translation><numerusform>Trop d'échecs : attendez %n seconde.</numerusform><numerusform>Trop d'échecs : attendez %n secondes.</numerusform></translation>
    </message>
</context>
</TS>
