// Creates in OJS in flight in this process, for the syncs that meet a document nobody names.
//
// A create in OJS is two requests: the submission, then its publication carrying the create's
// stamp (docs/ojs-connector.md). A sync that reads an unknown OJS document between the two sees
// no stamp and would import the engine's own create as a new entity, a twin (docs/invariants.md,
// G1). With several workers that window is real: a sweep's listing or an event can land in it.
// Every create holds a ticket for its whole write; a sync that read an unknown unstamped
// document while a create was in flight (or began during its read) waits for those creates and
// reads the document again, stamped by then if it was one of them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

namespace ojsync {

class CreateGate {
 public:
  // Held by a create for its whole write; ends the create when destroyed.
  class Ticket {
   public:
    Ticket(CreateGate& gate, std::uint64_t number) : gate_(&gate), number_(number) {}
    ~Ticket() {
      if (gate_ != nullptr) gate_->finish(number_);
    }
    Ticket(Ticket&& other) noexcept : gate_(other.gate_), number_(other.number_) { other.gate_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;

   private:
    CreateGate* gate_;
    std::uint64_t number_;
  };

  // Where the creates stood when a read began.
  struct Mark {
    std::uint64_t begun = 0;  // Creates begun before it.
    bool any_in_flight = false;
  };

  Ticket begin_create();
  Mark mark() const;
  // True when a create was in flight at `since` or began after it: a document read after
  // `since` may be one it made before stamping it.
  bool overlapped(const Mark& since) const;
  // Waits until every create begun before now has finished.
  void wait_for_creates_begun_so_far();

 private:
  void finish(std::uint64_t number);

  mutable std::mutex mu_;
  std::condition_variable finished_;
  std::uint64_t begun_ = 0;             // GUARDED_BY(mu_)
  std::set<std::uint64_t> in_flight_;   // GUARDED_BY(mu_): ticket numbers.
};

}  // namespace ojsync
