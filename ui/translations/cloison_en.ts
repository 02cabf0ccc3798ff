<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>cloison::ui</name>
    <message>
        <location filename="../TextDisplay.cpp" line="60"/>
        <source> [blocked: on the phishing list]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="62"/>
        <source> [suspicious link]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../TextDisplay.cpp" line="63"/>
        <source> [suspicious: imitates %1]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>cloison::ui::CompartmentView</name>
    <message>
        <location filename="../CompartmentView.cpp" line="103"/>
        <source>This compartment has no account yet: it is offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="107"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="122"/>
        <source>&amp;Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="126"/>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="130"/>
        <source>Start a conversation: name@server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="131"/>
        <source>Address for a new conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="149"/>
        <source>Device warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="155"/>
        <source>Loading history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="163"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="171"/>
        <source>Message to send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="172"/>
        <source>Write a message (Ctrl+Enter sends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="178"/>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="179"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="194"/>
        <source>&amp;Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="206"/>
        <source>QR code of this device&apos;s fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="212"/>
        <source>This device (%1, device %2) in this compartment:
%3
Others scan the code below, or compare the fingerprint out loud, to verify it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="219"/>
        <source>This compartment has no device key yet: it is made the first time the compartment connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>Contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="225"/>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="227"/>
        <source>Contacts&apos; devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="237"/>
        <source>trusted blindly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="238"/>
        <source>⚠ not verified (not certified by the organisation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="244"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="245"/>
        <source>Refresh devices and key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="248"/>
        <source>&amp;Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>#</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Subject</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="253"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="255"/>
        <source>Key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="268"/>
        <source>&amp;Key events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="273"/>
        <source>Room: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="326"/>
        <source>An address looks like name@server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="340"/>
        <source>Choose a conversation first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="344"/>
        <source>This compartment is not connected: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="366"/>
        <location filename="../CompartmentView.cpp" line="370"/>
        <source>Online as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="375"/>
        <source>Offline, retrying: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="375"/>
        <source>Offline: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="401"/>
        <source>The organisation&apos;s device list is up to date (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="406"/>
        <source>Retention policy: older messages deleted from this compartment: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="410"/>
        <source>The retention purge failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="414"/>
        <source>Refused the device list the server offered: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="420"/>
        <source>Refused a message from %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="421"/>
        <source>the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="445"/>
        <source>me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="447"/>
        <source>device %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="450"/>
        <source>[trusted]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="450"/>
        <source>[⚠ unverified device]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="455"/>
        <source>[sent]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="458"/>
        <source>[sending…]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="461"/>
        <source>[✓ on the server]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="464"/>
        <source>[✗ not sent: %1]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="476"/>
        <source>No conversation yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../CompartmentView.cpp" line="501"/>
        <source>⚠ Unverified devices wrote here: %1. Nobody has verified their keys; compare fingerprints (Devices tab) before trusting what they say.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../CompartmentView.cpp" line="506"/>
        <source>⚠ %n suspicious link(s) shown defanged: do not open them.</source>
        <translation><numerusform>⚠ %n suspicious link shown defanged: do not open it.</numerusform><numerusform>⚠ %n suspicious links shown defanged: do not open them.</numerusform></translation>
    </message>
</context>
<context>
    <name>cloison::ui::MainWindow</name>
    <message>
        <location filename="../MainWindow.cpp" line="43"/>
        <location filename="../MainWindow.cpp" line="336"/>
        <location filename="../MainWindow.cpp" line="354"/>
        <source>Cloison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="91"/>
        <source>Active compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="93"/>
        <source>Lock (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="95"/>
        <source>Lock Cloison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="105"/>
        <source>Compartments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="132"/>
        <source>Could not list the compartments: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="141"/>
        <source>This compartment is sealed: it opens only with its own security key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="146"/>
        <source>This compartment could not be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="172"/>
        <source>&amp;Open with my security key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="173"/>
        <source>Open the sealed compartment with the security key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="187"/>
        <source>Touch your security key now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="213"/>
        <source>not opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="239"/>
        <source>Could not refresh: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="295"/>
        <source>🔒 %1 — sealed compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="296"/>
        <source>■ %1 — compartment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="297"/>
        <source>Cloison — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="312"/>
        <source>🔒 %1 (sealed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../MainWindow.cpp" line="333"/>
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
</TS>
