// Stanzas as the OMEMO engine sees them from a server that may be compromised. One engine
// (alice@localhost) over a vault restored from a per-process snapshot before every input, so
// each input starts from the same state. Before the input is read the engine has started
// (fetching its own device list) and has a message queued for bob@localhost (fetching his
// device list), so IQ results have something to answer.
//
// Input: up to 8 stanzas separated by NUL bytes. In each, "@ID0@" .. "@ID9@" become the id of
// the engine's latest .. tenth-latest IQ, and "@RID@" the engine's device id, so that results
// and messages can reach past the id and recipient checks.
// Invariants: every stanza the engine emits is well-formed; a stanza that parses serialises
// to XML that parses and serialises to the same text. Each stanza also goes through the
// XEP-0363 readers (disco items, upload service, slot) and its text through the XEP-0454 link
// parser: a slot's headers never carry a line break, a link's file name never a slash.
#include "client/documents/DocumentLink.h"
#include "client/documents/UploadSlot.h"
#include "client/omemo/Xml.h"
#include "tests/fuzz/FuzzEngine.h"
#include "tests/fuzz/FuzzSnapshot.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace cloison;
using namespace cloison::fuzz;

namespace {

constexpr std::size_t kMaxStanzas = 8;
constexpr std::size_t kMaxInput = 64 * 1024;

struct Fixture {
    test::TempDir dir;
    std::filesystem::path pristine = dir / "pristine";
    std::filesystem::path work = dir / "work";

    Fixture() {
        std::filesystem::create_directories(pristine);
        FuzzParty alice(pristine / "alice.db", "alice@localhost");
    } // closed: the snapshot is complete on disk
};

void recordIds(const omemo::Output& out, std::vector<std::string>& ids) {
    for (const auto& stanza : out.stanzas) {
        auto parsed = xml::parse(stanza);
        FUZZ_CHECK(parsed.ok());
        if (parsed.value().name == "iq") {
            if (auto id = parsed.value().attribute("id"))
                ids.emplace_back(*id);
        }
    }
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

void checkDocumentReaders(const std::string& stanza) {
    if (auto link = documents::parseDocumentLink(stanza)) {
        FUZZ_CHECK(!link.value().fileName.empty());
        FUZZ_CHECK(link.value().fileName.find('/') == std::string::npos);
        FUZZ_CHECK(link.value().key.size() == 32);
    }
    auto parsed = xml::parse(stanza);
    if (!parsed)
        return;
    (void)documents::discoItems(parsed.value());
    (void)documents::uploadServiceFrom(parsed.value(), "upload.localhost");
    if (auto slot = documents::slotFrom(parsed.value()))
        for (const auto& [name, value] : slot.value().putHeaders)
            FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos);
}

void checkXmlRoundTrip(const std::string& stanza) {
    checkDocumentReaders(stanza);
    auto parsed = xml::parse(stanza);
    if (!parsed)
        return;
    const std::string once = xml::serialize(parsed.value());
    auto again = xml::parse(once);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(xml::serialize(again.value()) == once);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    if (size > kMaxInput)
        return 0;
    copyTree(fixture.pristine, fixture.work);
    FuzzParty alice(fixture.work / "alice.db", "alice@localhost", true);
    std::vector<std::string> ids;
    omemo::Output started = alice.engine->start();
    checkOutput(started);
    recordIds(started, ids);
    auto queued = alice.engine->sendMessage("bob@localhost", "fuzz");
    FUZZ_CHECK(queued.ok());
    checkOutput(queued.value());
    recordIds(queued.value(), ids);

    const std::string input(reinterpret_cast<const char*>(data), size);
    std::size_t start = 0;
    for (std::size_t n = 0; n < kMaxStanzas && start <= input.size(); ++n) {
        auto end = input.find('\0', start);
        if (end == std::string::npos)
            end = input.size();
        std::string stanza = input.substr(start, end - start);
        start = end + 1;
        for (int i = 0; i < 10; ++i) {
            const std::string name = "@ID" + std::to_string(i) + "@";
            const std::size_t back = static_cast<std::size_t>(i);
            replaceAll(stanza, name, back < ids.size() ? ids[ids.size() - 1 - back] : "none");
        }
        replaceAll(stanza, "@RID@", std::to_string(alice.engine->deviceId()));
        checkXmlRoundTrip(stanza);
        auto out = alice.engine->handleStanza(stanza);
        if (!out)
            continue;
        checkOutput(out.value());
        recordIds(out.value(), ids);
        for (const auto& event : out.value().events) {
            // Nothing the fuzzer writes is encrypted with a key the engine agreed to.
            FUZZ_CHECK(event.type != omemo::EventType::MessageReceived ||
                       event.text.size() < 65536);
        }
    }
    return 0;
}
