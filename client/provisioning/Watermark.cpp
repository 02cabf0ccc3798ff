#include "client/provisioning/Watermark.h"

#include "crypto/Bytes.h"
#include "crypto/Hash.h"
#include "storage/SettingsRepository.h"

#include <array>
#include <cstdio>
#include <sstream>

namespace cloison::provisioning {
namespace {

constexpr const char* kKeyName = "admin.watermark-key";
// One entry, a line per marker: "MARKER-HEX ISSUED-MS B64(member) B64(name) B64(device)
// B64(compartment)".
constexpr const char* kRecordsKey = "admin.watermarks";
constexpr std::size_t kMaxRecords = 10000;
constexpr std::size_t kWrapColumn = 72;

// The memo every canary document is written from. {A|B} is a place where the marker picks one
// phrasing; each phrasing is unique in the text (a unit test checks it), so that finding it
// anywhere in a copy says which was picked. {REF}, {DATE}, {FROM} and {TO} are filled in. The
// first paragraph keeps its lines; the others are wrapped.
constexpr std::array<std::string_view, 11> kTemplate = {
    "Donor briefing on the 14th: arrangements\nRef. {REF}\nDate: {DATE}\nFrom: {FROM}\nTo: {TO}",
    "{Following our call last week,|Further to last week's call,} {here is a short summary of "
    "the arrangements|please find a short summary of the arrangements} {for the donor briefing "
    "on the 14th.|for the donors' briefing on the 14th.} {Please keep this to the core "
    "team.|Please do not share this beyond the core team.}",
    "{The venue has been confirmed|The venue is now confirmed} {and the room holds up to forty "
    "people.|and the room seats up to forty people.} {Arrival is from 6 pm,|Doors open at 6 pm,} "
    "{with the first remarks at 6.30.|with opening remarks at 6.30.} {Security will check names "
    "at the entrance,|Names will be checked by security at the door,} {so the guest list must be "
    "final by Friday.|so the final guest list is needed by Friday.}",
    "{Travel: the train tickets are booked|Travel: we have booked the train tickets} {in the "
    "names on the attached list.|in the names shown on the attached list.} {Hotel rooms are held "
    "until noon on the day,|The hotel is holding the rooms until noon on the day,} {after which "
    "they are released.|after which they will be released.} {Expenses go through the usual "
    "form|Expenses are claimed on the usual form} {with receipts attached, within two "
    "weeks.|with receipts, no later than two weeks after.}",
    "{Budget: the event line stands at|Budget: the allocation for the event is} 18,500, {the "
    "figure agreed at the last finance meeting.|the amount approved at the last finance "
    "meeting.} {Catering is included in the venue price.|The venue price includes catering.} "
    "{Any extra costs need sign-off from me first.|Please get my sign-off before any extra "
    "spending.}",
    "{Press: no journalists are invited,|Press: we are not inviting journalists,} {and "
    "photographs are not allowed inside.|and no photographs may be taken inside.} {If anyone "
    "asks, refer them to the press office.|Refer any questions to the press office.}",
    "{Speakers: the order is the same as last time,|Speakers: the running order is as last "
    "time,} {each with about ten minutes.|each allowed roughly ten minutes.} {Slides should "
    "reach me by Wednesday evening.|Send me slides by Wednesday evening at the latest.} "
    "{Talking points for the Q and A are in the shared folder;|The Q and A talking points are "
    "in the shared folder;} {the login for it is in the team channel.|you will find its login "
    "in the team channel.} {Please read them before the day.|Please go through them "
    "beforehand.}",
    "{Follow-up: thank-you notes go out the next morning|Follow-up: we send thank-you notes the "
    "following morning} {from the usual address.|from the usual mailbox.} {Pledges made on the "
    "night are logged in the tracker|Any pledges on the night go into the tracker} {by the "
    "finance team only.|and only finance enter them.}",
    "{Contacts: on the day, call me rather than messaging.|Contacts: on the day, phone me "
    "instead of sending messages.} {If I am unreachable, ask the office.|When I cannot be "
    "reached, ask the office.} {Let me know of any problems|Tell me about any problems} {as "
    "soon as possible.|as early as you can.}",
    "{Thanks all for the work on this.|Thank you all for your work on this.}",
    "{Best regards,|Kind regards,}\n{FROM}\n\nRef. {REF} - internal, do not forward.",
};

struct Choice {
    std::string a;
    std::string b;
};

// Lower case, runs of whitespace as one space, typographic apostrophes as ASCII: what a
// re-save, a re-wrap or a word processor leaves of a phrase.
std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        // U+2018 and U+2019 (E2 80 98/99).
        if (c == 0xe2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
             static_cast<unsigned char>(text[i + 2]) == 0x99)) {
            out += '\'';
            i += 2;
            continue;
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    }
    return out;
}

const std::vector<Choice>& choices() {
    static const std::vector<Choice> all = [] {
        std::vector<Choice> out;
        for (std::string_view paragraph : kTemplate) {
            for (std::size_t open = paragraph.find('{'); open != std::string_view::npos;
                 open = paragraph.find('{', open + 1)) {
                const std::size_t bar = paragraph.find('|', open);
                const std::size_t close = paragraph.find('}', open);
                if (bar < close)
                    out.push_back({fold(paragraph.substr(open + 1, bar - open - 1)),
                                   fold(paragraph.substr(bar + 1, close - bar - 1))});
            }
        }
        return out;
    }();
    return all;
}

std::array<bool, kWatermarkChoices> choiceBits(const SecretBytes& key, std::uint64_t marker) {
    constexpr std::string_view kLabel = "cloison-watermark-choices";
    Bytes input(kLabel.begin(), kLabel.end());
    for (int shift = 56; shift >= 0; shift -= 8)
        input.push_back(static_cast<std::uint8_t>(marker >> shift));
    const Bytes mac = blake2bMac(key, input, 8);
    std::array<bool, kWatermarkChoices> out{};
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = ((mac[i / 8] >> (i % 8)) & 1) != 0;
    return out;
}

std::string reference(std::uint64_t marker) {
    char text[24];
    std::snprintf(
        text, sizeof text, "%04X-%04X-%04X-%04X", static_cast<unsigned>(marker >> 48 & 0xffff),
        static_cast<unsigned>(marker >> 32 & 0xffff), static_cast<unsigned>(marker >> 16 & 0xffff),
        static_cast<unsigned>(marker & 0xffff));
    return text;
}

void replaceAll(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

std::string wrap(std::string_view paragraph) {
    std::string out;
    std::size_t lineStart = 0;
    std::istringstream words{std::string(paragraph)};
    for (std::string word; words >> word;) {
        if (out.size() > lineStart && out.size() - lineStart + 1 + word.size() > kWrapColumn) {
            out += '\n';
            lineStart = out.size();
        } else if (out.size() > lineStart) {
            out += ' ';
        }
        out += word;
    }
    return out;
}

// Every "XXXX-XXXX-XXXX-XXXX" in the text with its whitespace removed (a re-wrap may have
// broken the line inside one).
std::vector<std::uint64_t> references(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            compact += c;
    std::vector<std::uint64_t> out;
    constexpr std::size_t kLength = 19;
    for (std::size_t at = 0; at + kLength <= compact.size(); ++at) {
        const std::string_view piece = std::string_view(compact).substr(at, kLength);
        if (piece[4] != '-' || piece[9] != '-' || piece[14] != '-')
            continue;
        std::string hex;
        for (std::size_t group = 0; group < kLength; group += 5)
            hex += piece.substr(group, 4);
        if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            continue;
        std::uint64_t value = 0;
        for (std::uint8_t byte : fromHex(hex).value())
            value = value << 8 | byte;
        out.push_back(value);
    }
    return out;
}

std::string encodeField(std::string_view text) {
    return toBase64(asBytes(text));
}

Result<std::string> decodeField(std::string_view text) {
    auto bytes = fromBase64(text);
    if (!bytes)
        return makeError(ErrorCode::Corrupted, "the admin vault's watermark list is damaged");
    return std::string(bytes.value().begin(), bytes.value().end());
}

Result<WatermarkRecord> parseRecord(std::string_view line) {
    std::vector<std::string_view> fields;
    for (std::size_t start = 0; start <= line.size();) {
        const std::size_t end = std::min(line.find(' ', start), line.size());
        fields.push_back(line.substr(start, end - start));
        start = end + 1;
    }
    const Error damaged{ErrorCode::Corrupted, "the admin vault's watermark list is damaged"};
    if (fields.size() != 6 || fields[0].size() != 16)
        return damaged;
    WatermarkRecord out;
    try {
        out.marker = std::stoull(std::string(fields[0]), nullptr, 16);
        out.issuedAtMs = std::stoll(std::string(fields[1]));
    } catch (...) {
        return damaged;
    }
    std::string* targets[] = {&out.member, &out.memberName, &out.device, &out.compartment};
    for (std::size_t i = 0; i < 4; ++i) {
        auto text = decodeField(fields[i + 2]);
        if (!text)
            return text.error();
        *targets[i] = std::move(text.value());
    }
    return out;
}

} // namespace

std::string markerHex(std::uint64_t marker) {
    char hex[20];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(marker));
    return hex;
}

Result<SecretBytes> watermarkKey(storage::Vault& adminVault) {
    storage::SettingsRepository settings(adminVault);
    auto stored = settings.getSecret(kKeyName);
    if (!stored)
        return stored.error();
    if (stored.value())
        return std::move(*stored.value());
    SecretBytes key = SecretBytes::random(32);
    if (auto put = settings.put(kKeyName, key.view()); !put)
        return put.error();
    return key;
}

Result<std::vector<WatermarkRecord>> loadWatermarks(storage::Vault& adminVault) {
    auto stored = storage::SettingsRepository(adminVault).get(kRecordsKey);
    if (!stored)
        return stored.error();
    std::vector<WatermarkRecord> out;
    if (!stored.value())
        return out;
    const std::string text(stored.value()->begin(), stored.value()->end());
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        auto record = parseRecord(line);
        if (!record)
            return record.error();
        out.push_back(std::move(record.value()));
    }
    return out;
}

Result<WatermarkRecord> issueWatermark(storage::Vault& adminVault, WatermarkRecord record) {
    for (const std::string* field :
         {&record.member, &record.memberName, &record.device, &record.compartment})
        if (field->find('\n') != std::string::npos)
            return makeError(ErrorCode::InvalidArgument, "a watermark record is one line");
    auto key = watermarkKey(adminVault);
    if (!key)
        return key.error();
    auto existing = loadWatermarks(adminVault);
    if (!existing)
        return existing.error();
    if (existing.value().size() >= kMaxRecords)
        return makeError(ErrorCode::InvalidArgument, "the admin vault holds 10,000 watermarks");
    std::string text;
    for (;;) {
        // Keyed, so that only this vault makes markers; salted, so that two documents for the
        // same device and compartment still differ.
        const std::string input = "cloison-watermark-marker " + toHex(randomBytes(16)) + " " +
                                  record.device + " " + record.compartment;
        const Bytes mac = blake2bMac(key.value(), asBytes(input), 8);
        record.marker = 0;
        for (std::uint8_t byte : mac)
            record.marker = record.marker << 8 | byte;
        bool taken = false;
        for (const WatermarkRecord& known : existing.value())
            taken = taken || known.marker == record.marker;
        if (!taken)
            break;
    }
    auto line = [](const WatermarkRecord& r) {
        return markerHex(r.marker) + " " + std::to_string(r.issuedAtMs) + " " +
               encodeField(r.member) + " " + encodeField(r.memberName) + " " +
               encodeField(r.device) + " " + encodeField(r.compartment) + "\n";
    };
    for (const WatermarkRecord& known : existing.value())
        text += line(known);
    text += line(record);
    if (auto put = storage::SettingsRepository(adminVault).put(kRecordsKey, asBytes(text)); !put)
        return put.error();
    return record;
}

std::string watermarkedDocument(const SecretBytes& key, std::uint64_t marker,
                                const DocumentSetting& setting) {
    const auto bits = choiceBits(key, marker);
    std::string recipients;
    for (const std::string& name : setting.recipients)
        recipients += (recipients.empty() ? "" : ", ") + name;
    std::string out;
    std::size_t choice = 0;
    for (std::size_t p = 0; p < kTemplate.size(); ++p) {
        std::string paragraph;
        const std::string_view source = kTemplate[p];
        for (std::size_t at = 0; at < source.size();) {
            const std::size_t open = source.find('{', at);
            paragraph += source.substr(at, open - at);
            if (open == std::string_view::npos)
                break;
            const std::size_t close = source.find('}', open);
            const std::size_t bar = source.find('|', open);
            if (bar < close) {
                paragraph += bits[choice++] ? source.substr(bar + 1, close - bar - 1)
                                            : source.substr(open + 1, bar - open - 1);
            } else {
                paragraph += source.substr(open, close - open + 1); // a placeholder, below
            }
            at = close + 1;
        }
        replaceAll(paragraph, "{REF}", reference(marker));
        replaceAll(paragraph, "{DATE}", setting.date);
        replaceAll(paragraph, "{FROM}", setting.author);
        replaceAll(paragraph, "{TO}", recipients);
        const bool keepLines = p == 0 || p + 1 == kTemplate.size();
        out += (keepLines ? paragraph : wrap(paragraph)) + "\n\n";
    }
    out.pop_back();
    return out;
}

std::optional<Identification> identifyDocument(std::string_view text, const SecretBytes& key,
                                               const std::vector<WatermarkRecord>& records) {
    const std::string folded = fold(text);
    // Which phrasing each place shows: 0 or 1, or -1 when neither (or, edited, both).
    std::array<int, kWatermarkChoices> seen{};
    std::size_t seenCount = 0;
    for (std::size_t i = 0; i < kWatermarkChoices; ++i) {
        const bool a = folded.find(choices()[i].a) != std::string::npos;
        const bool b = folded.find(choices()[i].b) != std::string::npos;
        seen[i] = a == b ? -1 : (b ? 1 : 0);
        seenCount += seen[i] >= 0 ? 1 : 0;
    }
    auto judge = [&](const WatermarkRecord& record) {
        Identification out{record, false, seenCount, 0};
        const auto bits = choiceBits(key, record.marker);
        for (std::size_t i = 0; i < kWatermarkChoices; ++i)
            out.choicesMatching += seen[i] >= 0 && (seen[i] == 1) == bits[i] ? 1 : 0;
        return out;
    };
    for (std::uint64_t marker : references(text)) {
        for (const WatermarkRecord& record : records) {
            if (record.marker != marker)
                continue;
            Identification found = judge(record);
            // A reference pasted into another of our documents: the text says otherwise.
            constexpr std::size_t kEnoughToContradict = 8;
            if (seenCount >= kEnoughToContradict && found.choicesMatching * 4 < seenCount * 3)
                continue;
            found.byReference = true;
            return found;
        }
    }
    if (seenCount < kMinChoicesSeen)
        return std::nullopt;
    std::optional<Identification> best;
    for (const WatermarkRecord& record : records) {
        Identification found = judge(record);
        if (found.choicesMatching + 1 < seenCount)
            continue;
        if (best)
            return std::nullopt; // two markers fit: it names neither
        best = std::move(found);
    }
    return best;
}

} // namespace cloison::provisioning
