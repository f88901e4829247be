// A Connector that passes every call to another one. Tests derive from it and override the one
// call whose behaviour they script (a failing listing, a fetch that blocks), leaving the rest
// to a MemoryConnector.
#pragma once

#include "ojsync/connector.h"

namespace ojsync::testing {

class ForwardingConnector : public Connector {
 public:
  explicit ForwardingConnector(Connector* inner) : inner_(inner) {}

  std::string_view name() const override { return inner_->name(); }
  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    return inner_->fetch(type, id);
  }
  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override {
    return inner_->list_changed(type, cursor, limit);
  }
  Result<WriteResult> write(std::string_view type, std::string_view id, const Json& document,
                            std::string_view idempotency_key) override {
    return inner_->write(type, id, document, idempotency_key);
  }
  Status remove(std::string_view type, std::string_view id) override {
    return inner_->remove(type, id);
  }
  Status ping() override { return inner_->ping(); }

 private:
  Connector* inner_;
};

}  // namespace ojsync::testing
