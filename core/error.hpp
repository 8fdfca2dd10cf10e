// One exception type for every user-facing failure. The message ID (e.g. "CFG-003") is stable so
// users can search for it and tests can pin it; the text names the file, key and value involved.
#pragma once

#include <stdexcept>
#include <string>

namespace pixforge {

class PixError : public std::runtime_error {
  public:
    PixError(std::string id, const std::string& message)
        : std::runtime_error("[ERROR " + id + "] " + message), id_(std::move(id)) {}

    const std::string& id() const { return id_; }

  private:
    std::string id_;
};

}  // namespace pixforge
