// Fuzz target: a signed event delivery to POST /v1/events — the signature check
// (service/webhook_verifier.h) and the event intake behind it (service/event_intake.h).
//
// Input, as text (so seeds are readable and easy to write):
//   <webhook-id>\n<webhook-timestamp>\n<webhook-signature>\n<body...>
// A missing line is an empty header. The signature line "*" stands for a valid signature: the
// target signs the delivery itself, which is the only way past the HMAC to the event parser.
// Every other signature goes to the verifier as sent and must be refused.
//
// Checks: no crash, no sanitizer report, no exception; the verifier answers OK or
// kUnauthenticated; the intake answers a receipt or kUnauthenticated / kInvalidArgument
// (its store is an in-memory SQLite, which has no reason to fail).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "ojsync/entity_type.h"
#include "ojsync/store.h"
#include "service/event_intake.h"
#include "service/webhook_verifier.h"

namespace {

using ojsync::StatusCode;
using ojsync::service::WebhookHeaders;

// Seeds sign with this time; "now" is fixed so that a run depends on its input alone.
const ojsync::Timestamp kNow{std::chrono::seconds(1'800'000'000)};

[[noreturn]] void finding(const char* what, const ojsync::Status& status) {
  std::fprintf(stderr, "webhook_event: %s: %s\n", what, status.to_string().c_str());
  std::abort();
}

// The second secret is in the whsec_ form, as after a rotation.
const ojsync::service::WebhookVerifier& verifier() {
  static const auto* v = [] {
    auto created = ojsync::service::WebhookVerifier::create(
        {"fuzz-webhook-secret-0123456789abcdef", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
    if (!created.ok()) finding("verifier", created.status());
    return new ojsync::service::WebhookVerifier(std::move(created).value());
  }();
  return *v;
}

// Accepted events pile up in the store; it starts afresh every kStoreRuns inputs so memory
// stays bounded over long runs.
class IntakeFixture {
 public:
  const ojsync::service::EventIntake& intake() {
    if (runs_++ % kStoreRuns == 0) {
      intake_.reset();
      auto store = ojsync::open_sqlite_store({":memory:"});
      if (!store.ok()) finding("store", store.status());
      store_ = std::move(store).value();
      auto migrated = store_->migrate();
      if (!migrated.ok()) finding("migrate", migrated.status());
      intake_ = std::make_unique<ojsync::service::EventIntake>(&verifier(), store_.get(), &types_);
    }
    return *intake_;
  }

 private:
  static constexpr std::uint64_t kStoreRuns = 10'000;
  std::uint64_t runs_ = 0;
  const ojsync::EntityTypeRegistry types_ = ojsync::EntityTypeRegistry::with_defaults();
  std::unique_ptr<ojsync::Store> store_;
  std::unique_ptr<ojsync::service::EventIntake> intake_;
};

// The next line of `rest` (without its '\n'); the whole rest when it has no newline.
std::string_view take_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static IntakeFixture fixture;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  WebhookHeaders headers;
  headers.id = take_line(rest);
  headers.timestamp = take_line(rest);
  headers.signature = take_line(rest);
  const std::string_view body = rest;

  std::string signature;
  if (headers.signature == "*") {
    signature = verifier().sign(headers.id, headers.timestamp, body);
    headers.signature = signature;
  }
  const ojsync::Status verified = verifier().verify(headers, body, kNow);
  if (!verified.ok() && verified.code() != StatusCode::kUnauthenticated) {
    finding("verify answered with an unexpected code", verified);
  }
  if (signature.empty() && verified.ok()) {
    finding("a signature the target did not make was accepted", verified);
  }

  auto receipt = fixture.intake().receive(headers, body, kNow);
  if (receipt.ok()) {
    if (!verified.ok()) finding("the intake accepted an unverified delivery", verified);
  } else if (receipt.status().code() != StatusCode::kUnauthenticated &&
             receipt.status().code() != StatusCode::kInvalidArgument) {
    finding("the intake answered with an unexpected code", receipt.status());
  }
  return 0;
}
