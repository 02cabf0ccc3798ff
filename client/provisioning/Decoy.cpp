#include "client/provisioning/Decoy.h"

#include "client/documents/DocumentTransfer.h"
#include "crypto/Hash.h"
#include "crypto/Sodium.h"
#include "storage/MessageRepository.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace cloison::provisioning {
namespace {

// Threads of a working relationship, in order; `true` lines are the owner's. "{CREDENTIALS}"
// is where the planted canary goes.
struct Line {
    bool fromOwner;
    std::string_view text;
};

constexpr std::array<Line, 14> kBriefingThread = {{
    {false, "Do we have a venue for the 14th yet?"},
    {true, "Two options, both around forty people. I'll know by Thursday."},
    {false, "Good. The donors list is nearly final, I'll send it over."},
    {true, "Thanks. Security wants names at the door again."},
    {false, "Of course they do. Friday is fine for the final list."},
    {true, "Venue confirmed, the one near the station."},
    {false, "Great, I'll write up the arrangements."},
    {false, "Memo on the briefing is in, have a look when you can."},
    {true, "Read it. Looks right to me."},
    {false, "Speakers as last time? Ten minutes each?"},
    {true, "Yes, I've told them. Slides by Wednesday."},
    {false, "Budget line came back from finance, no surprises."},
    {true, "Good news for once."},
    {false, "Can you check the train bookings before they go out?"},
}};

constexpr std::array<Line, 12> kFolderThread = {{
    {false, "Morning, are you in the office today?"},
    {true, "From eleven. Anything urgent?"},
    {false, "No, just the shared folder, I moved the talking points there."},
    {true, "I can't get into it from here."},
    {false, "Here is the login for the shared folder, as promised: {CREDENTIALS} - please don't "
            "forward it."},
    {true, "Works, thanks."},
    {false, "The Q and A points need another pass before the 14th."},
    {true, "I'll do them tonight."},
    {false, "Press office asked again whether anyone is coming from the papers."},
    {true, "Nobody. Same answer as last time."},
    {false, "Thank-you notes template is in the folder too."},
    {true, "Seen it, fine by me."},
}};

constexpr std::array<Line, 10> kOfficeThread = {{
    {false, "Expense forms for last month are due on Friday."},
    {true, "Mine went in yesterday."},
    {false, "The hotel wants a name for the block booking."},
    {true, "Put mine, I'll confirm the list later."},
    {false, "Rooms are held until noon on the day."},
    {true, "OK, noted."},
    {false, "Who has the pledge tracker now?"},
    {true, "Finance only, since the last meeting."},
    {false, "Can you call me after four?"},
    {true, "Will do."},
}};

std::string capitalised(std::string word) {
    if (!word.empty() && word[0] >= 'a' && word[0] <= 'z')
        word[0] = static_cast<char>(word[0] - 'a' + 'A');
    return word;
}

} // namespace

Result<void> mayConnect(const CompartmentInfo& compartment) {
    if (compartment.decoy)
        return makeError(ErrorCode::PolicyRefused,
                         "\"" + compartment.name +
                             "\" is a decoy compartment: it never connects to the server (its "
                             "account is a canary, and using it would raise the alarm)");
    return {};
}

Result<void> mayConnect(Profile& profile, const std::string& compartment) {
    auto list = profile.compartments();
    if (!list)
        return list.error();
    for (const CompartmentInfo& info : list.value())
        if (info.name == compartment)
            return mayConnect(info);
    return makeError(ErrorCode::NotFound, "no compartment named \"" + compartment + "\"");
}

std::string displayNameOf(const std::string& jid) {
    std::string local = jid.substr(0, jid.find('@'));
    while (!local.empty() && local.back() >= '0' && local.back() <= '9')
        local.pop_back();
    if (const auto dot = local.find('.'); dot != std::string::npos)
        return capitalised(local.substr(0, dot)) + " " + capitalised(local.substr(dot + 1));
    if (local.size() < 2)
        return capitalised(local);
    return capitalised(local.substr(0, 1)) + ". " + capitalised(local.substr(1));
}

std::vector<DecoyMessage> plausibleHistory(const std::string& owner,
                                           const std::vector<std::string>& colleagues,
                                           const std::string& plantedCredentials,
                                           std::int64_t nowMs) {
    ensureSodium();
    constexpr std::int64_t kDayMs = 86'400'000;
    constexpr std::int64_t kHourMs = 3'600'000;
    std::vector<DecoyMessage> out;
    auto thread = [&](const auto& lines, const std::string& peer) {
        // Five weeks back, a message or two on most working days, at office hours.
        std::int64_t day = nowMs / kDayMs - 35;
        for (const Line& line : lines) {
            day += 1 + randombytes_uniform(2);
            while ((day + 4) % 7 >= 5) // 1970-01-01 was a Thursday: skip Saturday and Sunday
                ++day;
            const std::int64_t at = day * kDayMs + (8 + randombytes_uniform(9)) * kHourMs +
                                    randombytes_uniform(3600) * 1000;
            std::string text(line.text);
            if (const auto slot = text.find("{CREDENTIALS}"); slot != std::string::npos)
                text.replace(slot, 13, plantedCredentials);
            out.push_back({peer, line.fromOwner ? owner : peer, std::min(at, nowMs - kHourMs),
                           std::move(text)});
        }
    };
    thread(kBriefingThread, colleagues.at(0));
    thread(kFolderThread, colleagues.at(1));
    thread(kOfficeThread, colleagues.at(2));
    std::sort(out.begin(), out.end(),
              [](const DecoyMessage& a, const DecoyMessage& b) { return a.sentAtMs < b.sentAtMs; });
    return out;
}

Result<void> storeDecoyContent(storage::Vault& vault, const DecoyContent& content) {
    // Ids of the forms a Cloison sender's origin-id and Prosody's archive give real messages.
    std::vector<storage::NewMessage> messages;
    for (std::size_t i = 0; i < content.history.size(); ++i) {
        const DecoyMessage& m = content.history[i];
        const std::string archive = randomId();
        messages.push_back({m.conversation, m.sender, m.sentAtMs, m.body,
                            "omemo-" + randomId().substr(0, 16) + "-" + std::to_string(i / 3 + 1),
                            archive.substr(0, 8) + "-" + archive.substr(8, 4) + "-" +
                                archive.substr(12, 4) + "-" + archive.substr(16, 4) + "-" +
                                archive.substr(20)});
    }
    if (auto stored = storage::MessageRepository(vault).appendBatch(messages); !stored)
        return stored;
    storage::DocumentRecord record;
    record.conversation = content.documentFrom;
    record.sender = content.documentFrom;
    record.name = content.documentName;
    record.receivedAt = content.documentAtMs;
    auto kept = documents::keepDocument(vault, record, asBytes(content.document));
    if (!kept)
        return kept.error();
    return {};
}

} // namespace cloison::provisioning
