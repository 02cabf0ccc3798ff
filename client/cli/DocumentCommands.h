// cloison-cli's document commands (issue 13): send-file, documents, save, and what listen does
// with a document link that arrives.
#pragma once

#include "client/cli/MessagingCommands.h"
#include "storage/DocumentRepository.h"

#include <iosfwd>
#include <map>

namespace cloison::cli {

[[nodiscard]] Result<int> runSendFile(Profile& profile, const std::string& compartment,
                                      const MessagingOptions& options,
                                      const std::filesystem::path& file, std::ostream& out);
// One JSON line per document held: id, from, conversation, name, size, time.
[[nodiscard]] Result<int> runDocuments(Profile& profile, const std::string& compartment,
                                       std::ostream& out);
[[nodiscard]] Result<int> runSave(Profile& profile, const std::string& compartment,
                                  const std::string& id, const std::filesystem::path& output,
                                  std::ostream& out);

// listen's part: a message whose body is a document link is fetched, verified and sealed
// into the compartment (its row written on the service's thread), and one line is printed for
// it, with the document (id, name, size) or the error that refused it.
class ListenDocuments {
public:
    explicit ListenDocuments(Running& running) : m_running(running) {}
    enum class Outcome {
        NotADocument, // an ordinary message: the caller prints it
        Printed,      // refused, and said so
        Pending,      // fetched; printed when the vault has recorded it (onTaskDone)
    };
    Outcome onMessage(const xmpp::ServiceEvent& event, std::ostream& out);
    // True when the event finished a document and its line was printed.
    bool onTaskDone(const xmpp::ServiceEvent& event, std::ostream& out);

private:
    struct Pending {
        xmpp::ServiceEvent message;
        storage::DocumentRecord record;
    };
    Running& m_running;
    std::map<std::string, Pending> m_pending; // by vault task id
};

} // namespace cloison::cli
