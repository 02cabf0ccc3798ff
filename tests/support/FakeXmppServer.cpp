#include "tests/support/FakeXmppServer.h"

#include "client/omemo/Xml.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace cloison::test {

using omemo::kPubsubNs;
using xml::Element;

std::string bare(const std::string& jid) {
    return jid.substr(0, jid.find('/'));
}

FakeDevice& FakeXmppServer::connect(const std::string& fullJid, omemo::OmemoEngine& engine) {
    m_devices.push_back(std::make_unique<FakeDevice>());
    FakeDevice& device = *m_devices.back();
    device.fullJid = fullJid;
    device.engine = &engine;
    submit(device, engine.start());
    return device;
}

void FakeXmppServer::submit(FakeDevice& from, omemo::Output output) {
    for (auto& event : output.events)
        from.events.push_back(std::move(event));
    for (auto& stanza : output.stanzas)
        m_queue.emplace_back(&from, std::move(stanza));
}

void FakeXmppServer::run() {
    while (!m_queue.empty()) {
        auto [from, stanza] = std::move(m_queue.front());
        m_queue.pop_front();
        route(*from, stanza);
    }
}

void FakeXmppServer::deliver(FakeDevice& to, const std::string& stanza) {
    to.received.push_back(stanza);
    auto output = to.engine->handleStanza(stanza);
    if (!output)
        throw std::runtime_error("engine refused a stanza: " + output.error().message);
    submit(to, std::move(output.value()));
}

void FakeXmppServer::answer(FakeDevice& to, const std::string& stanza) {
    deliver(to, stanza);
}

void FakeXmppServer::route(FakeDevice& from, const std::string& text) {
    auto parsed = xml::parse(text);
    if (!parsed)
        throw std::runtime_error("engine sent malformed XML: " + parsed.error().message);
    Element stanza = std::move(parsed.value());
    stanza.attributes.erase(std::remove_if(stanza.attributes.begin(), stanza.attributes.end(),
                                           [](const auto& a) { return a.first == "from"; }),
                            stanza.attributes.end());
    stanza.set("from", from.fullJid);
    const std::string sender = bare(from.fullJid);
    const std::string id(stanza.attribute("id").value_or(""));

    const std::string toJid(stanza.attribute("to").value_or(""));
    if (auto room = rooms.find(bare(toJid)); room != rooms.end()) {
        routeToRoom(from, room->second, room->first, std::move(stanza));
        return;
    }
    if (stanza.name == "iq") {
        if (const Element* query = stanza.child("query", "urn:xmpp:mam:2")) {
            answerArchive(from, stanza, *query);
            return;
        }
        const Element* pubsub = stanza.child("pubsub", kPubsubNs);
        if (pubsub == nullptr)
            return;
        Element reply("iq");
        reply.set("id", id).set("to", from.fullJid);
        if (const Element* publish = pubsub->child("publish")) {
            if (pubsub->child("publish-options") != nullptr) {
                ++publishOptionsSeen;
                if (rejectPublishOptions) {
                    reply.set("type", "error").set("from", sender);
                    reply.add(Element("error"))
                        .set("type", "modify")
                        .add(Element("precondition-not-met",
                                     "http://jabber.org/protocol/pubsub#errors"));
                    reply.children.back().add(
                        Element("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
                    answer(from, xml::serialize(reply));
                    return;
                }
            }
            const std::string node(publish->attribute("node").value_or(""));
            const Element& item = publish->children.at(0);
            nodes[sender][node] = xml::serialize(item.children.at(0));
            reply.set("type", "result").set("from", sender);
            answer(from, xml::serialize(reply));
            if (node == omemo::kDeviceListNode) {
                for (auto& device : m_devices) {
                    if (device.get() == &from)
                        continue;
                    Element notify("message");
                    notify.set("type", "headline").set("from", sender).set("to", device->fullJid);
                    Element& items = notify.add(Element("event", omemo::kPubsubEventNs))
                                         .add(Element("items"))
                                         .set("node", node);
                    Element& out = items.add(Element("item")).set("id", "current");
                    out.add(xml::parse(nodes[sender][node]).value());
                    deliver(*device, xml::serialize(notify));
                }
            }
            return;
        }
        const Element* items = pubsub->child("items");
        const std::string owner = bare(std::string(stanza.attribute("to").value_or(sender)));
        const std::string node(items ? items->attribute("node").value_or("") : "");
        reply.set("from", owner);
        auto found = nodes[owner].find(node);
        if (found == nodes[owner].end()) {
            reply.set("type", "error");
            reply.add(Element("error"))
                .set("type", "cancel")
                .add(Element("item-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas"));
        } else {
            reply.set("type", "result");
            Element& out = reply.add(Element("pubsub", kPubsubNs))
                               .add(Element("items"))
                               .set("node", node)
                               .add(Element("item"))
                               .set("id", "current");
            out.add(xml::parse(found->second).value());
        }
        answer(from, xml::serialize(reply));
        return;
    }
    if (stanza.name == "message") {
        const std::string to = bare(std::string(stanza.attribute("to").value_or("")));
        const std::string serialized = xml::serialize(stanza);
        // As Prosody does: the addressee's copy carries the addressee's archive id.
        Element stamped = stanza;
        const std::string archiveId = archive(to, stanza);
        if (sender != to)
            archive(sender, stanza);
        stamped.add(Element("stanza-id", "urn:xmpp:sid:0")).set("by", to).set("id", archiveId);
        const std::string toAddressee = xml::serialize(stamped);
        for (auto& device : m_devices) {
            const std::string owner = bare(device->fullJid);
            const bool addressee = owner == to;
            const bool carbon = owner == sender && device.get() != &from;
            if (!addressee && !carbon)
                continue;
            std::string copy = addressee ? toAddressee : serialized;
            if (!addressee && wrapCarbons) {
                Element wrapped("message");
                wrapped.set("from", sender).set("to", device->fullJid).set("type", "chat");
                wrapped.add(Element("sent", "urn:xmpp:carbons:2"))
                    .add(Element("forwarded", "urn:xmpp:forward:0"))
                    .add(stanza);
                copy = xml::serialize(wrapped);
            }
            if (holdMessages)
                held.emplace_back(device.get(), copy);
            else
                deliver(*device, copy);
        }
    }
}

void FakeXmppServer::routeToRoom(FakeDevice& from, Room& room, const std::string& roomJid,
                                 Element stanza) {
    const std::string to(stanza.attribute("to").value_or(""));
    const std::string id(stanza.attribute("id").value_or(""));
    auto presenceOf = [&](const std::string& nick, FakeDevice& occupant, FakeDevice& recipient) {
        Element presence("presence");
        presence.set("from", roomJid + "/" + nick).set("to", recipient.fullJid);
        Element& x = presence.add(Element("x", "http://jabber.org/protocol/muc#user"));
        x.add(Element("item"))
            .set("affiliation", "member")
            .set("role", "participant")
            .set("jid", occupant.fullJid);
        if (&occupant == &recipient)
            x.add(Element("status")).set("code", "110");
        return xml::serialize(presence);
    };
    if (stanza.name == "presence") {
        const std::string nick = to.substr(to.find('/') + 1);
        if (!room.members.count(bare(from.fullJid)))
            return; // members-only
        for (auto& [other, device] : room.occupants)
            deliver(from, presenceOf(other, *device, from));
        room.occupants[nick] = &from;
        for (auto& [other, device] : room.occupants)
            deliver(*device, presenceOf(nick, from, *device));
        return;
    }
    if (stanza.name == "iq") {
        const Element* query = stanza.child("query", "http://jabber.org/protocol/muc#admin");
        if (stanza.child("query", "urn:xmpp:mam:2") != nullptr) {
            answerArchive(from, stanza, *stanza.child("query", "urn:xmpp:mam:2"));
            return;
        }
        if (query == nullptr)
            return;
        const Element* item = query->child("item");
        const std::string affiliation(item ? item->attribute("affiliation").value_or("") : "");
        Element reply("iq");
        reply.set("type", "result").set("id", id).set("from", roomJid).set("to", from.fullJid);
        Element& items = reply.add(Element("query", "http://jabber.org/protocol/muc#admin"));
        if (affiliation == "member") {
            for (const std::string& member : room.members)
                items.add(Element("item")).set("affiliation", "member").set("jid", member);
        }
        answer(from, xml::serialize(reply));
        return;
    }
    if (stanza.name != "message")
        return;
    std::string nick;
    for (auto& [name, device] : room.occupants) {
        if (device == &from)
            nick = name;
    }
    if (nick.empty())
        return; // not an occupant
    stanza.attributes.erase(
        std::remove_if(stanza.attributes.begin(), stanza.attributes.end(),
                       [](const auto& a) { return a.first == "from" || a.first == "to"; }),
        stanza.attributes.end());
    stanza.set("from", roomJid + "/" + nick);
    Element archived = stanza;
    archived.add(Element("x", "http://jabber.org/protocol/muc#user"))
        .add(Element("item"))
        .set("jid", from.fullJid);
    const std::string archiveId = archive(roomJid, archived);
    stanza.add(Element("stanza-id", "urn:xmpp:sid:0")).set("by", roomJid).set("id", archiveId);
    for (auto& [name, device] : room.occupants) {
        Element copy = stanza;
        copy.set("to", device->fullJid);
        if (holdMessages)
            held.emplace_back(device, xml::serialize(copy));
        else
            deliver(*device, xml::serialize(copy));
    }
}

std::string FakeXmppServer::archive(const std::string& owner, const Element& message) {
    const int n = ++m_archiveCounter;
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "2026-11-30T10:%02d:%02d.%03dZ", (n / 60) % 60, n % 60,
                  n % 1000);
    archives[owner].push_back({"arch-" + std::to_string(n), stamp, xml::serialize(message)});
    return archives[owner].back().id;
}

void FakeXmppServer::answerArchive(FakeDevice& from, const Element& iq, const Element& query) {
    ++archiveQueries;
    const std::string id(iq.attribute("id").value_or(""));
    const std::string owner = bare(std::string(iq.attribute("to").value_or(bare(from.fullJid))));
    const std::string queryId(query.attribute("queryid").value_or(""));
    std::size_t max = archivePageLimit;
    std::string after;
    if (const Element* set = query.child("set", "http://jabber.org/protocol/rsm")) {
        if (const Element* element = set->child("max"))
            max = std::min(max, static_cast<std::size_t>(std::stoul(element->text)));
        if (const Element* element = set->child("after"))
            after = element->text;
    }
    const auto& entries = archives[owner];
    std::size_t begin = 0;
    if (!after.empty()) {
        auto found = std::find_if(entries.begin(), entries.end(),
                                  [&](const Archived& entry) { return entry.id == after; });
        if (found == entries.end()) {
            Element error("iq");
            error.set("type", "error").set("id", id).set("from", owner).set("to", from.fullJid);
            error.add(Element("error"))
                .set("type", "cancel")
                .add(Element("item-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas"));
            answer(from, xml::serialize(error));
            return;
        }
        begin = static_cast<std::size_t>(found - entries.begin()) + 1;
    }
    const std::size_t end = std::min(entries.size(), begin + max);
    for (std::size_t i = begin; i < end; ++i) {
        Element result("message");
        result.set("from", owner).set("to", from.fullJid);
        Element& forwarded = result.add(Element("result", "urn:xmpp:mam:2"))
                                 .set("queryid", queryId)
                                 .set("id", entries[i].id)
                                 .add(Element("forwarded", "urn:xmpp:forward:0"));
        forwarded.add(Element("delay", "urn:xmpp:delay")).set("stamp", entries[i].stamp);
        Element inner = xml::parse(entries[i].stanza).value();
        inner.ns = "jabber:client";
        forwarded.add(std::move(inner));
        deliver(from, xml::serialize(result));
    }
    Element reply("iq");
    reply.set("type", "result").set("id", id).set("from", owner).set("to", from.fullJid);
    Element& fin = reply.add(Element("fin", "urn:xmpp:mam:2"))
                       .set("complete", end == entries.size() ? "true" : "false");
    if (begin < end) {
        Element& set = fin.add(Element("set", "http://jabber.org/protocol/rsm"));
        set.add(Element("first")).withText(entries[begin].id);
        set.add(Element("last")).withText(entries[end - 1].id);
    }
    answer(from, xml::serialize(reply));
}

} // namespace cloison::test
