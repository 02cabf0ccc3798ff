<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>cloison::ui</name>
    <message>
        <location filename="../TextDisplay.cpp" line="53"/>
        <source>📄 Document %1 (see Documents)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="72"/>
        <source> [blocked: on the phishing list]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="74"/>
        <source> [suspicious link]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="75"/>
        <source> [suspicious: imitates %1]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::CompartmentView</name>
    <message>
        <location filename="../CompartmentView.cpp" line="130"/>
        <source>This compartment has no account yet: it is offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="134"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="149"/>
        <source>&amp;Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="153"/>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="157"/>
        <source>Start a conversation: name@server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="158"/>
        <source>Address for a new conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="176"/>
        <source>Device warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="182"/>
        <source>Loading history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="190"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="198"/>
        <source>Message to send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="199"/>
        <source>Write a message (Ctrl+Enter sends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="205"/>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="206"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="221"/>
        <source>&amp;Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="233"/>
        <source>QR code of this device&apos;s fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="241"/>
        <source>This device (%1, device %2) in this compartment:
%3
Others scan the code below, or compare the fingerprint out loud, to verify it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="248"/>
        <source>This compartment has no device key yet: it is made the first time the compartment connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>Contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="254"/>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="256"/>
        <source>Contacts&apos; devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="313"/>
        <source>trusted blindly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="325"/>
        <source>⚠ not verified (not certified by the organisation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="289"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="128"/>
        <source>Decoy compartment: bait your admin planted. It never connects to the server, and nothing can be sent from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="283"/>
        <source>&amp;Verify…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="285"/>
        <source>Verify the selected device by comparing fingerprints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="286"/>
        <source>&amp;Unverify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="288"/>
        <source>Withdraw the verification of the selected device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="290"/>
        <source>Refresh devices and key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="307"/>
        <source>&amp;Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="315"/>
        <source>✓ certified by the organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="317"/>
        <source>✓ verified by hand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="319"/>
        <source>⚠ key changed since it was verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="321"/>
        <source>⚠ new device, not verified (others of this contact are)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="369"/>
        <source>Recording the verification…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="409"/>
        <source>The verification of device %1 of %2 is withdrawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="412"/>
        <source>Device %1 of %2 is verified: its messages show as trusted, and from now on only the devices of %2 you verified receive your messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="422"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="424"/>
        <source>Key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="432"/>
        <source>&amp;Key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="455"/>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="456"/>
        <source>&amp;Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="457"/>
        <source>Save the selected document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="459"/>
        <source>Documents stay sealed inside this compartment; Save… writes a plain copy where you choose.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="472"/>
        <source>D&amp;ocuments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="477"/>
        <source>%1 — %2 bytes — from %3 — %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="490"/>
        <source>Save document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="510"/>
        <source>Refused a document from %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="528"/>
        <location filename="../CompartmentView.cpp" line="558"/>
        <source>Refused a document from %1: %2; nothing was saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="563"/>
        <source>Document received: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="570"/>
        <source>The document was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="571"/>
        <source>Document saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="577"/>
        <source>Room: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="630"/>
        <source>An address looks like name@server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="644"/>
        <source>Choose a conversation first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="648"/>
        <source>This compartment is not connected: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="670"/>
        <location filename="../CompartmentView.cpp" line="674"/>
        <source>Online as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="679"/>
        <source>Offline, retrying: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="679"/>
        <source>Offline: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="709"/>
        <source>The organisation&apos;s device list is up to date (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="717"/>
        <source>Retention policy: older messages deleted from this compartment: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="721"/>
        <source>The retention purge failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="725"/>
        <source>Refused the device list the server offered: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="737"/>
        <source>Refused a message from %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="738"/>
        <source>the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="745"/>
        <source>Nothing was changed for device %1 of %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="779"/>
        <source>me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="781"/>
        <source>device %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="783"/>
        <source>[trusted]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="785"/>
        <source>[⚠ key changed since verified]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="787"/>
        <source>[⚠ new unverified device]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="788"/>
        <source>[⚠ unverified device]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="793"/>
        <source>[sent]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="796"/>
        <source>[sending…]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="799"/>
        <source>[✓ on the server]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="802"/>
        <source>[✓✓ received by the recipient&apos;s device]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="805"/>
        <source>[✗ not sent: %1]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="817"/>
        <source>No conversation yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="853"/>
        <source>⚠ The key of %1 changed since you verified it: it may not be the same person any more. It no longer receives your messages; compare its new fingerprint (Devices tab) before trusting what it says.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="858"/>
        <source>⚠ A device you have not verified wrote here: %1, beside devices of the same contact that you verified. It may not be theirs: it does not receive your messages until you compare its fingerprint (Devices tab).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="866"/>
        <source>⚠ Unverified devices wrote here: %1. Nobody has verified their keys; compare fingerprints (Devices tab) before trusting what they say.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../CompartmentView.cpp" line="871"/>
        <source>⚠ %n suspicious link(s) shown defanged: do not open them.</source>
        <translation><numerusform>⚠ %n suspicious link shown defanged: do not open it.</numerusform><numerusform>⚠ %n suspicious links shown defanged: do not open them.</numerusform></translation>
    </message>
</context>
<context>
    <name>cloison::ui::DocumentBox</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="108"/>
        <source>Document for your admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="109"/>
        <source>&amp;Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="110"/>
        <source>Save the document to a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="111"/>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="112"/>
        <source>Copy the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="135"/>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="136"/>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="142"/>
        <source>Save for your admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="149"/>
        <source>Copied (cleared from the clipboard in 30 seconds).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::EnrollRequestDialog</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="381"/>
        <source>&amp;Make the request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="381"/>
        <source>Make the enrolment request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="383"/>
        <source>Enrolment request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="388"/>
        <source>Your admin needs this profile&apos;s enrolment request (its public keys) to send you invites. It holds no secret. Enter the name your admin knows you by:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="391"/>
        <location filename="../ProvisioningDialogs.cpp" line="392"/>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="401"/>
        <source>Cl&amp;ose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="401"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="419"/>
        <source>The name must be 1 to 64 bytes, without control characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="420"/>
        <source>Could not make the request: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="424"/>
        <source>Your enrolment key fingerprint is %1. Tell it to your admin in person or by phone; send them the request below (Save… or Copy).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::ImportInviteDialog</name>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="64"/>
        <source>This invite is not for this profile: it was made for another member&apos;s enrolment request, or it was altered on the way. Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="68"/>
        <source>This invite is damaged or was tampered with. Nothing was imported.
(%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="72"/>
        <source>This invite is signed by another organisation key than the one this profile trusts. Nothing was imported: ask your admin, in person or by phone.
(%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="78"/>
        <source>This is larger than 64 KiB: it is not an invite. Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="80"/>
        <source>This is not a Cloison invite (an invite starts with &quot;cloison-sealed-invite 1&quot;). Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="83"/>
        <source>This profile has not made an enrolment request yet, so no invite can be for it. Make one (Enrolment request…) and send it to your admin first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="87"/>
        <source>%1 Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="89"/>
        <source>Could not import the invite: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="154"/>
        <source>Import an invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="162"/>
        <source>Your admin sent you an invite (a .invite file) for a new compartment. Choose the file, or paste its text below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="165"/>
        <source>Choose a &amp;file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="165"/>
        <source>Choose an invite file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="169"/>
        <source>cloison-sealed-invite 1 …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="170"/>
        <source>Invite text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="176"/>
        <source>Why the invite was refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="178"/>
        <source>&amp;Import the pasted text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="178"/>
        <source>Import the pasted invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="179"/>
        <source>Cl&amp;ose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="179"/>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="186"/>
        <source>Opening and checking the invite…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="194"/>
        <source>This is the first invite this profile receives. It is signed by the organisation key with this fingerprint:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="199"/>
        <source>Organisation key fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="208"/>
        <source>Compare every group with the fingerprint your admin gave you in person or by phone (not by e-mail or chat). If one differs, press Cancel and call your admin: someone may be impersonating your organisation. Once trusted, this key is the only one whose invites this profile accepts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="213"/>
        <source>I compared it: it is the &amp;same as my admin&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="214"/>
        <source>I compared the fingerprint with my admin&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="217"/>
        <source>&amp;Trust this organisation and import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="218"/>
        <source>Trust this organisation key and import the invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="221"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="221"/>
        <source>Cancel: do not trust this key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="232"/>
        <source>&amp;Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="232"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="245"/>
        <source>The organisation key was not confirmed. Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="268"/>
        <source>Choose an invite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="269"/>
        <source>Invites (*.invite);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="280"/>
        <source>Could not read %1. Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="353"/>
        <source>Imported the DECOY compartment &quot;%1&quot;: it holds bait your admin planted, is marked Decoy wherever it is shown, and never connects to the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="357"/>
        <source>Imported the compartment &quot;%1&quot; (device %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="361"/>
        <source>This profile now trusts the organisation key %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="364"/>
        <source>Hand this certification request to your admin: until they certify this device, the other members cannot trust it. Save or copy it now: it is not shown again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ProvisioningDialogs.cpp" line="368"/>
        <source>The policy asks for this compartment to be sealed behind its own security key: run &apos;cloison-cli fido seal %1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::MainWindow</name>
    <message>
        <location filename="../MainWindow.cpp" line="61"/>
        <location filename="../MainWindow.cpp" line="413"/>
        <location filename="../MainWindow.cpp" line="435"/>
        <source>Cloison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="87"/>
        <source>&amp;Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="88"/>
        <source>&amp;Import invite…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="91"/>
        <source>&amp;Enrolment request…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="93"/>
        <source>&amp;Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="117"/>
        <source>Active compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="119"/>
        <source>Lock (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="121"/>
        <source>Lock Cloison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="131"/>
        <source>Compartments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="138"/>
        <source>Import invite…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="140"/>
        <source>Import an invite: add a compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="167"/>
        <source>Could not list the compartments: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="181"/>
        <source>This compartment is sealed: it opens only with its own security key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="186"/>
        <source>This compartment could not be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="243"/>
        <source>&amp;Open with my security key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="244"/>
        <source>Open the sealed compartment with the security key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="258"/>
        <source>Touch your security key now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="284"/>
        <source>not opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="310"/>
        <source>Could not refresh: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="368"/>
        <source>⚠ DECOY — %1 — bait your admin planted; it never connects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="369"/>
        <source>🔒 %1 — sealed compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="370"/>
        <source>■ %1 — compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="371"/>
        <source>Cloison — %1 (Decoy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="372"/>
        <source>Cloison — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="387"/>
        <source>⚠ %1 (Decoy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="389"/>
        <source>🔒 %1 (sealed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="410"/>
        <source>New message in Cloison</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::UnlockScreen</name>
    <message>
        <location filename="../UnlockScreen.cpp" line="17"/>
        <source>Wrong passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="19"/>
        <source>No profile here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="21"/>
        <source>The profile is damaged or was modified: it was not opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="23"/>
        <source>No security key found. Plug in your key and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="25"/>
        <source>This security key is not one enrolled for this profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="27"/>
        <source>The key was not touched in time. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="31"/>
        <source>Security key PIN: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="33"/>
        <source>Could not unlock: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="88"/>
        <source>Cloison is locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="89"/>
        <location filename="../UnlockScreen.cpp" line="90"/>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="91"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="92"/>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="93"/>
        <location filename="../UnlockScreen.cpp" line="94"/>
        <source>Touch your security key now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="95"/>
        <source>Profile folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="115"/>
        <source>Unlocking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../UnlockScreen.cpp" line="202"/>
        <source>You can try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../UnlockScreen.cpp" line="207"/>
        <source>Too many failed attempts: wait %n second(s).</source>
        <translation><numerusform>Too many failed attempts: wait %n second.</numerusform><numerusform>Too many failed attempts: wait %n seconds.</numerusform></translation>
    </message>
</context>
<context>
    <name>cloison::ui::VerifyDeviceDialog</name>
    <message>
        <location filename="../DeviceVerification.cpp" line="29"/>
        <source>Verify a device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="37"/>
        <source>Compare these two fingerprints with %1 in person, or over another channel you trust (a phone call, not this chat). Their screen must show the same two, digit by digit. If any digit differs, someone may be reading along: do not verify.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="42"/>
        <source>⚠ This device had another key when it was verified before. A new key can mean a reinstalled app, or someone else&apos;s device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="63"/>
        <source>Yours (%1, device %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="63"/>
        <source>Your fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="64"/>
        <source>Theirs (%1, device %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="65"/>
        <source>Their device&apos;s fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="71"/>
        <source>I &amp;compared both with %1 and they match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="72"/>
        <source>I compared both fingerprints and they match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="76"/>
        <source>&amp;Verify this device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="77"/>
        <source>Verify this device: the fingerprints match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="81"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../DeviceVerification.cpp" line="82"/>
        <source>Cancel: do not verify this device</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
