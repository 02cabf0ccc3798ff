<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>cloison::ui</name>
    <message>
        <location filename="../TextDisplay.cpp" line="53"/>
        <source>📄 Document %1 (see Documents)</source>
        <translation>📄 Document %1 (voir Documents)</translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="72"/>
        <source> [blocked: on the phishing list]</source>
        <translation> [bloqué : sur la liste d'hameçonnage]</translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="74"/>
        <source> [suspicious link]</source>
        <translation> [lien suspect]</translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="75"/>
        <source> [suspicious: imitates %1]</source>
        <translation> [suspect : imite %1]</translation>
    </message>
</context>
<context>
    <name>cloison::ui::CompartmentView</name>
    <message>
        <location filename="../CompartmentView.cpp" line="130"/>
        <source>This compartment has no account yet: it is offline.</source>
        <translation>Ce compartiment n'a pas encore de compte : il est hors ligne.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="134"/>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="149"/>
        <source>&amp;Conversations</source>
        <translation>&amp;Conversations</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="153"/>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="157"/>
        <source>Start a conversation: name@server</source>
        <translation>Nouvelle conversation : nom@serveur</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="158"/>
        <source>Address for a new conversation</source>
        <translation>Adresse d'une nouvelle conversation</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="176"/>
        <source>Device warning</source>
        <translation>Avertissement sur les appareils</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="182"/>
        <source>Loading history</source>
        <translation>Chargement de l'historique</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="190"/>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="198"/>
        <source>Message to send</source>
        <translation>Message à envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="199"/>
        <source>Write a message (Ctrl+Enter sends)</source>
        <translation>Écrire un message (Ctrl+Entrée envoie)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="205"/>
        <source>&amp;Send</source>
        <translation>&amp;Envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="206"/>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="221"/>
        <source>&amp;Messages</source>
        <translation>&amp;Messages</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="233"/>
        <source>QR code of this device&apos;s fingerprint</source>
        <translation>Code QR de l'empreinte de cet appareil</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="241"/>
        <source>This device (%1, device %2) in this compartment:
%3
Others scan the code below, or compare the fingerprint out loud, to verify it.</source>
        <translation>Cet appareil (%1, appareil %2) dans ce compartiment :
%3
Les autres scannent le code ci-dessous, ou comparent l'empreinte à voix haute, pour le vérifier.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="248"/>
        <source>This compartment has no device key yet: it is made the first time the compartment connects.</source>
        <translation>Ce compartiment n'a pas encore de clé d'appareil : elle est créée à sa première connexion.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Fingerprint</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="256"/>
        <source>Contacts&apos; devices</source>
        <translation>Appareils des contacts</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="313"/>
        <source>trusted blindly</source>
        <translation>confiance aveugle</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="325"/>
        <source>⚠ not verified (not certified by the organisation)</source>
        <translation>⚠ non vérifié (non certifié par l'organisation)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="289"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="128"/>
        <source>Decoy compartment: bait your admin planted. It never connects to the server, and nothing can be sent from it.</source>
        <translation>Compartiment leurre : un appât posé par votre administrateur. Il ne se connecte jamais au serveur et rien ne peut en être envoyé.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="283"/>
        <source>&amp;Verify…</source>
        <translation>Vé&amp;rifier…</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="285"/>
        <source>Verify the selected device by comparing fingerprints</source>
        <translation>Vérifier l'appareil sélectionné en comparant les empreintes</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="286"/>
        <source>&amp;Unverify</source>
        <translation>Re&amp;tirer la vérification</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="288"/>
        <source>Withdraw the verification of the selected device</source>
        <translation>Retirer la vérification de l'appareil sélectionné</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="290"/>
        <source>Refresh devices and key events</source>
        <translation>Actualiser les appareils et les événements de clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="307"/>
        <source>&amp;Devices</source>
        <translation>A&amp;ppareils</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="315"/>
        <source>✓ certified by the organisation</source>
        <translation>✓ certifié par l'organisation</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="317"/>
        <source>✓ verified by hand</source>
        <translation>✓ vérifié à la main</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="319"/>
        <source>⚠ key changed since it was verified</source>
        <translation>⚠ clé changée depuis sa vérification</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="321"/>
        <source>⚠ new device, not verified (others of this contact are)</source>
        <translation>⚠ nouvel appareil, non vérifié (d'autres de ce contact le sont)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="369"/>
        <source>Recording the verification…</source>
        <translation>Enregistrement de la vérification…</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="409"/>
        <source>The verification of device %1 of %2 is withdrawn.</source>
        <translation>La vérification de l'appareil %1 de %2 est retirée.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="412"/>
        <source>Device %1 of %2 is verified: its messages show as trusted, and from now on only the devices of %2 you verified receive your messages.</source>
        <translation>L'appareil %1 de %2 est vérifié : ses messages s'affichent comme fiables, et désormais seuls les appareils de %2 que vous avez vérifiés reçoivent vos messages.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>#</source>
        <translation>n°</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Subject</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="424"/>
        <source>Key events</source>
        <translation>Événements de clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="432"/>
        <source>&amp;Key events</source>
        <translation>Événements de &amp;clés</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="455"/>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="456"/>
        <source>&amp;Save…</source>
        <translation>&amp;Enregistrer…</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="457"/>
        <source>Save the selected document</source>
        <translation>Enregistrer le document sélectionné</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="459"/>
        <source>Documents stay sealed inside this compartment; Save… writes a plain copy where you choose.</source>
        <translation>Les documents restent scellés dans ce compartiment ; Enregistrer… en écrit une copie en clair à l'endroit choisi.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="472"/>
        <source>D&amp;ocuments</source>
        <translation>D&amp;ocuments</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="477"/>
        <source>%1 — %2 bytes — from %3 — %4</source>
        <translation>%1 — %2 octets — de %3 — %4</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="490"/>
        <source>Save document</source>
        <translation>Enregistrer le document</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="510"/>
        <source>Refused a document from %1: %2</source>
        <translation>Document de %1 refusé : %2</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="528"/>
        <location filename="../CompartmentView.cpp" line="558"/>
        <source>Refused a document from %1: %2; nothing was saved</source>
        <translation>Document de %1 refusé : %2 ; rien n'a été enregistré</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="563"/>
        <source>Document received: %1</source>
        <translation>Document reçu : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="570"/>
        <source>The document was not saved: %1</source>
        <translation>Le document n'a pas été enregistré : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="571"/>
        <source>Document saved to %1</source>
        <translation>Document enregistré dans %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="577"/>
        <source>Room: %1</source>
        <translation>Salon : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="630"/>
        <source>An address looks like name@server.</source>
        <translation>Une adresse a la forme nom@serveur.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="644"/>
        <source>Choose a conversation first.</source>
        <translation>Choisissez d'abord une conversation.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="648"/>
        <source>This compartment is not connected: nothing was sent.</source>
        <translation>Ce compartiment n'est pas connecté : rien n'a été envoyé.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="670"/>
        <location filename="../CompartmentView.cpp" line="674"/>
        <source>Online as %1</source>
        <translation>En ligne en tant que %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="679"/>
        <source>Offline, retrying: %1</source>
        <translation>Hors ligne, nouvel essai : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="679"/>
        <source>Offline: %1</source>
        <translation>Hors ligne : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="709"/>
        <source>The organisation&apos;s device list is up to date (%1)</source>
        <translation>La liste des appareils de l'organisation est à jour (%1)</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="717"/>
        <source>Retention policy: older messages deleted from this compartment: %1</source>
        <translation>Politique de conservation : anciens messages supprimés de ce compartiment : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="721"/>
        <source>The retention purge failed: %1</source>
        <translation>La purge de conservation a échoué : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="725"/>
        <source>Refused the device list the server offered: %1</source>
        <translation>Liste d'appareils proposée par le serveur refusée : %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="737"/>
        <source>Refused a message from %1: %2</source>
        <translation>Message de %1 refusé : %2</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="738"/>
        <source>the server</source>
        <translation>le serveur</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="745"/>
        <source>Nothing was changed for device %1 of %2: %3</source>
        <translation>Rien n'a été changé pour l'appareil %1 de %2 : %3</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="779"/>
        <source>me</source>
        <translation>moi</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="781"/>
        <source>device %1</source>
        <translation>appareil %1</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="783"/>
        <source>[trusted]</source>
        <translation>[de confiance]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="785"/>
        <source>[⚠ key changed since verified]</source>
        <translation>[⚠ clé changée depuis la vérification]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="787"/>
        <source>[⚠ new unverified device]</source>
        <translation>[⚠ nouvel appareil non vérifié]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="788"/>
        <source>[⚠ unverified device]</source>
        <translation>[⚠ appareil non vérifié]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="793"/>
        <source>[sent]</source>
        <translation>[envoyé]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="796"/>
        <source>[sending…]</source>
        <translation>[envoi…]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="799"/>
        <source>[✓ on the server]</source>
        <translation>[✓ sur le serveur]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="802"/>
        <source>[✓✓ received by the recipient&apos;s device]</source>
        <translation>[✓✓ reçu par l'appareil du destinataire]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="805"/>
        <source>[✗ not sent: %1]</source>
        <translation>[✗ non envoyé : %1]</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="817"/>
        <source>No conversation yet</source>
        <translation>Pas encore de conversation</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="853"/>
        <source>⚠ The key of %1 changed since you verified it: it may not be the same person any more. It no longer receives your messages; compare its new fingerprint (Devices tab) before trusting what it says.</source>
        <translation>⚠ La clé de %1 a changé depuis que vous l'avez vérifiée : ce n'est peut-être plus la même personne. Il ne reçoit plus vos messages ; comparez sa nouvelle empreinte (onglet Appareils) avant de vous fier à ce qu'il dit.</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="858"/>
        <source>⚠ A device you have not verified wrote here: %1, beside devices of the same contact that you verified. It may not be theirs: it does not receive your messages until you compare its fingerprint (Devices tab).</source>
        <translation>⚠ Un appareil que vous n'avez pas vérifié a écrit ici : %1, à côté d'appareils du même contact que vous avez vérifiés. Il n'est peut-être pas le sien : il ne reçoit pas vos messages tant que vous n'avez pas comparé son empreinte (onglet Appareils).</translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="866"/>
        <source>⚠ Unverified devices wrote here: %1. Nobody has verified their keys; compare fingerprints (Devices tab) before trusting what they say.</source>
        <translation>⚠ Des appareils non vérifiés ont écrit ici : %1. Personne n'a vérifié leurs clés ; comparez les empreintes (onglet Appareils) avant de vous fier à ce qu'ils disent.</translation>
    </message>
    <message numerus="yes">
        <location filename="../CompartmentView.cpp" line="871"/>
        <source>⚠ %n suspicious link(s) shown defanged: do not open them.</source>
        <translation><numerusform>⚠ %n lien suspect affiché désamorcé : ne l'ouvrez pas.</numerusform><numerusform>⚠ %n liens suspects affichés désamorcés : ne les ouvrez pas.</numerusform></translation>
    </message>
</context>
<context>
    <name>cloison::ui::DocumentBox</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="108"/>
        <source>Document for your admin</source>
        <translation>Document pour votre administrateur</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="109"/>
        <source>&amp;Save…</source>
        <translation>&amp;Enregistrer…</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="110"/>
        <source>Save the document to a file</source>
        <translation>Enregistrer le document dans un fichier</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="111"/>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="112"/>
        <source>Copy the document</source>
        <translation>Copier le document</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="135"/>
        <source>Saved to %1</source>
        <translation>Enregistré dans %1</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="136"/>
        <source>Not saved: %1</source>
        <translation>Non enregistré : %1</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="142"/>
        <source>Save for your admin</source>
        <translation>Enregistrer pour votre administrateur</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="149"/>
        <source>Copied (cleared from the clipboard in 30 seconds).</source>
        <translation>Copié (effacé du presse-papiers dans 30 secondes).</translation>
    </message>
</context>
<context>
    <name>cloison::ui::EnrollRequestDialog</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="381"/>
        <source>&amp;Make the request</source>
        <translation>&amp;Faire la demande</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="381"/>
        <source>Make the enrolment request</source>
        <translation>Faire la demande d'inscription</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="383"/>
        <source>Enrolment request</source>
        <translation>Demande d'inscription</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="388"/>
        <source>Your admin needs this profile&apos;s enrolment request (its public keys) to send you invites. It holds no secret. Enter the name your admin knows you by:</source>
        <translation>Votre administrateur a besoin de la demande d'inscription de ce profil (ses clés publiques) pour vous envoyer des invitations. Elle ne contient aucun secret. Saisissez le nom sous lequel votre administrateur vous connaît :</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="391"/>
        <location filename="../ProvisioningDialogs.cpp" line="392"/>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="401"/>
        <source>Cl&amp;ose</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="401"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="419"/>
        <source>The name must be 1 to 64 bytes, without control characters.</source>
        <translation>Le nom doit faire de 1 à 64 octets, sans caractères de contrôle.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="420"/>
        <source>Could not make the request: %1</source>
        <translation>Impossible de faire la demande : %1</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="424"/>
        <source>Your enrolment key fingerprint is %1. Tell it to your admin in person or by phone; send them the request below (Save… or Copy).</source>
        <translation>L'empreinte de votre clé d'inscription est %1. Dites-la à votre administrateur en personne ou par téléphone ; envoyez-lui la demande ci-dessous (Enregistrer… ou Copier).</translation>
    </message>
</context>
<context>
    <name>cloison::ui::ImportInviteDialog</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="64"/>
        <source>This invite is not for this profile: it was made for another member&apos;s enrolment request, or it was altered on the way. Nothing was imported.</source>
        <translation>Cette invitation n'est pas pour ce profil : elle a été faite pour la demande d'inscription d'un autre membre, ou elle a été modifiée en chemin. Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="68"/>
        <source>This invite is damaged or was tampered with. Nothing was imported.
(%1)</source>
        <translation>Cette invitation est endommagée ou a été falsifiée. Rien n'a été importé.
(%1)</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="72"/>
        <source>This invite is signed by another organisation key than the one this profile trusts. Nothing was imported: ask your admin, in person or by phone.
(%1)</source>
        <translation>Cette invitation est signée par une autre clé d'organisation que celle à laquelle ce profil fait confiance. Rien n'a été importé : demandez à votre administrateur, en personne ou par téléphone.
(%1)</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="78"/>
        <source>This is larger than 64 KiB: it is not an invite. Nothing was imported.</source>
        <translation>Ceci dépasse 64 Kio : ce n'est pas une invitation. Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="80"/>
        <source>This is not a Cloison invite (an invite starts with &quot;cloison-sealed-invite 1&quot;). Nothing was imported.</source>
        <translation>Ceci n'est pas une invitation Cloison (une invitation commence par « cloison-sealed-invite 1 »). Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="83"/>
        <source>This profile has not made an enrolment request yet, so no invite can be for it. Make one (Enrolment request…) and send it to your admin first.</source>
        <translation>Ce profil n'a pas encore fait de demande d'inscription : aucune invitation ne peut donc lui être destinée. Faites-en une (Demande d'inscription…) et envoyez-la d'abord à votre administrateur.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="87"/>
        <source>%1 Nothing was imported.</source>
        <translation>%1 Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="89"/>
        <source>Could not import the invite: %1</source>
        <translation>Impossible d'importer l'invitation : %1</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="154"/>
        <source>Import an invite</source>
        <translation>Importer une invitation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="162"/>
        <source>Your admin sent you an invite (a .invite file) for a new compartment. Choose the file, or paste its text below.</source>
        <translation>Votre administrateur vous a envoyé une invitation (un fichier .invite) pour un nouveau compartiment. Choisissez le fichier, ou collez son texte ci-dessous.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="165"/>
        <source>Choose a &amp;file…</source>
        <translation>Choisir un &amp;fichier…</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="165"/>
        <source>Choose an invite file</source>
        <translation>Choisir un fichier d'invitation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="169"/>
        <source>cloison-sealed-invite 1 …</source>
        <translation>cloison-sealed-invite 1 …</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="170"/>
        <source>Invite text</source>
        <translation>Texte de l'invitation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="176"/>
        <source>Why the invite was refused</source>
        <translation>Pourquoi l'invitation a été refusée</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="178"/>
        <source>&amp;Import the pasted text</source>
        <translation>&amp;Importer le texte collé</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="178"/>
        <source>Import the pasted invite</source>
        <translation>Importer l'invitation collée</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="179"/>
        <source>Cl&amp;ose</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="179"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="186"/>
        <source>Opening and checking the invite…</source>
        <translation>Ouverture et vérification de l'invitation…</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="194"/>
        <source>This is the first invite this profile receives. It is signed by the organisation key with this fingerprint:</source>
        <translation>C'est la première invitation que reçoit ce profil. Elle est signée par la clé d'organisation dont voici l'empreinte :</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="199"/>
        <source>Organisation key fingerprint</source>
        <translation>Empreinte de la clé d'organisation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="208"/>
        <source>Compare every group with the fingerprint your admin gave you in person or by phone (not by e-mail or chat). If one differs, press Cancel and call your admin: someone may be impersonating your organisation. Once trusted, this key is the only one whose invites this profile accepts.</source>
        <translation>Comparez chaque groupe avec l'empreinte que votre administrateur vous a donnée en personne ou par téléphone (pas par courriel ni messagerie). Si un groupe diffère, appuyez sur Annuler et appelez votre administrateur : quelqu'un se fait peut-être passer pour votre organisation. Une fois acceptée, cette clé est la seule dont ce profil accepte les invitations.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="213"/>
        <source>I compared it: it is the &amp;same as my admin&apos;s</source>
        <translation>Je l'ai comparée : c'est la &amp;même que celle de mon administrateur</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="214"/>
        <source>I compared the fingerprint with my admin&apos;s</source>
        <translation>J'ai comparé l'empreinte avec celle de mon administrateur</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="217"/>
        <source>&amp;Trust this organisation and import</source>
        <translation>&amp;Faire confiance à cette organisation et importer</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="218"/>
        <source>Trust this organisation key and import the invite</source>
        <translation>Faire confiance à cette clé d'organisation et importer l'invitation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="221"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="221"/>
        <source>Cancel: do not trust this key</source>
        <translation>Annuler : ne pas faire confiance à cette clé</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="232"/>
        <source>&amp;Done</source>
        <translation>&amp;Terminé</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="232"/>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="245"/>
        <source>The organisation key was not confirmed. Nothing was imported.</source>
        <translation>La clé d'organisation n'a pas été confirmée. Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="268"/>
        <source>Choose an invite</source>
        <translation>Choisir une invitation</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="269"/>
        <source>Invites (*.invite);;All files (*)</source>
        <translation>Invitations (*.invite);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="280"/>
        <source>Could not read %1. Nothing was imported.</source>
        <translation>Impossible de lire %1. Rien n'a été importé.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="353"/>
        <source>Imported the DECOY compartment &quot;%1&quot;: it holds bait your admin planted, is marked Decoy wherever it is shown, and never connects to the server.</source>
        <translation>Compartiment LEURRE « %1 » importé : il contient un appât posé par votre administrateur, est marqué Leurre partout où il apparaît et ne se connecte jamais au serveur.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="357"/>
        <source>Imported the compartment &quot;%1&quot; (device %2).</source>
        <translation>Compartiment « %1 » importé (appareil %2).</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="361"/>
        <source>This profile now trusts the organisation key %1.</source>
        <translation>Ce profil fait désormais confiance à la clé d'organisation %1.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="364"/>
        <source>Hand this certification request to your admin: until they certify this device, the other members cannot trust it. Save or copy it now: it is not shown again.</source>
        <translation>Remettez cette demande de certification à votre administrateur : tant qu'il n'a pas certifié cet appareil, les autres membres ne peuvent pas lui faire confiance. Enregistrez-la ou copiez-la maintenant : elle ne sera plus affichée.</translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="368"/>
        <source>The policy asks for this compartment to be sealed behind its own security key: run &apos;cloison-cli fido seal %1&apos;.</source>
        <translation>La politique demande que ce compartiment soit scellé derrière sa propre clé de sécurité : lancez « cloison-cli fido seal %1 ».</translation>
    </message>
</context>
<context>
    <name>cloison::ui::MainWindow</name>
    <message>
        <location filename="../MainWindow.cpp" line="61"/>
        <location filename="../MainWindow.cpp" line="413"/>
        <location filename="../MainWindow.cpp" line="435"/>
        <source>Cloison</source>
        <translation>Cloison</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="87"/>
        <source>&amp;Profile</source>
        <translation>&amp;Profil</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="88"/>
        <source>&amp;Import invite…</source>
        <translation>&amp;Importer une invitation…</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="91"/>
        <source>&amp;Enrolment request…</source>
        <translation>Demande d'&amp;inscription…</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="93"/>
        <source>&amp;Lock</source>
        <translation>&amp;Verrouiller</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="117"/>
        <source>Active compartment</source>
        <translation>Compartiment actif</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="119"/>
        <source>Lock (Ctrl+L)</source>
        <translation>Verrouiller (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="121"/>
        <source>Lock Cloison</source>
        <translation>Verrouiller Cloison</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="131"/>
        <source>Compartments</source>
        <translation>Compartiments</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="138"/>
        <source>Import invite…</source>
        <translation>Importer une invitation…</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="140"/>
        <source>Import an invite: add a compartment</source>
        <translation>Importer une invitation : ajouter un compartiment</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="167"/>
        <source>Could not list the compartments: %1</source>
        <translation>Impossible de lister les compartiments : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="181"/>
        <source>This compartment is sealed: it opens only with its own security key.</source>
        <translation>Ce compartiment est scellé : il ne s'ouvre qu'avec sa propre clé de sécurité.</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="186"/>
        <source>This compartment could not be opened: %1</source>
        <translation>Ce compartiment n'a pas pu être ouvert : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="243"/>
        <source>&amp;Open with my security key</source>
        <translation>&amp;Ouvrir avec ma clé de sécurité</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="244"/>
        <source>Open the sealed compartment with the security key</source>
        <translation>Ouvrir le compartiment scellé avec la clé de sécurité</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="258"/>
        <source>Touch your security key now</source>
        <translation>Touchez votre clé de sécurité maintenant</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="284"/>
        <source>not opened: %1</source>
        <translation>non ouvert : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="310"/>
        <source>Could not refresh: %1</source>
        <translation>Actualisation impossible : %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="368"/>
        <source>⚠ DECOY — %1 — bait your admin planted; it never connects</source>
        <translation>⚠ LEURRE — %1 — appât posé par votre administrateur ; il ne se connecte jamais</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="369"/>
        <source>🔒 %1 — sealed compartment</source>
        <translation>🔒 %1 — compartiment scellé</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="370"/>
        <source>■ %1 — compartment</source>
        <translation>■ %1 — compartiment</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="371"/>
        <source>Cloison — %1 (Decoy)</source>
        <translation>Cloison — %1 (Leurre)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="372"/>
        <source>Cloison — %1</source>
        <translation>Cloison — %1</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="387"/>
        <source>⚠ %1 (Decoy)</source>
        <translation>⚠ %1 (Leurre)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="389"/>
        <source>🔒 %1 (sealed)</source>
        <translation>🔒 %1 (scellé)</translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="410"/>
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
<context>
    <name>cloison::ui::VerifyDeviceDialog</name>
    <message>
        <location filename="../DeviceVerification.cpp" line="29"/>
        <source>Verify a device</source>
        <translation>Vérifier un appareil</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="37"/>
        <source>Compare these two fingerprints with %1 in person, or over another channel you trust (a phone call, not this chat). Their screen must show the same two, digit by digit. If any digit differs, someone may be reading along: do not verify.</source>
        <translation>Comparez ces deux empreintes avec %1 en personne, ou par un autre canal de confiance (un appel téléphonique, pas cette conversation). Son écran doit montrer les deux mêmes, chiffre par chiffre. Si un seul chiffre diffère, quelqu'un lit peut-être par-dessus votre épaule : ne vérifiez pas.</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="42"/>
        <source>⚠ This device had another key when it was verified before. A new key can mean a reinstalled app, or someone else&apos;s device.</source>
        <translation>⚠ Cet appareil avait une autre clé lors de sa vérification précédente. Une nouvelle clé peut signifier une application réinstallée, ou l'appareil de quelqu'un d'autre.</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="63"/>
        <source>Yours (%1, device %2)</source>
        <translation>La vôtre (%1, appareil %2)</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="63"/>
        <source>Your fingerprint</source>
        <translation>Votre empreinte</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="64"/>
        <source>Theirs (%1, device %2)</source>
        <translation>La sienne (%1, appareil %2)</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="65"/>
        <source>Their device&apos;s fingerprint</source>
        <translation>L'empreinte de son appareil</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="71"/>
        <source>I &amp;compared both with %1 and they match</source>
        <translation>J'ai &amp;comparé les deux avec %1 et elles sont identiques</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="72"/>
        <source>I compared both fingerprints and they match</source>
        <translation>J'ai comparé les deux empreintes et elles sont identiques</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="76"/>
        <source>&amp;Verify this device</source>
        <translation>&amp;Vérifier cet appareil</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="77"/>
        <source>Verify this device: the fingerprints match</source>
        <translation>Vérifier cet appareil : les empreintes sont identiques</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="81"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="82"/>
        <source>Cancel: do not verify this device</source>
        <translation>Annuler : ne pas vérifier cet appareil</translation>
    </message>
</context>
</TS>
