// ojs-emulator entry point: parse flags, build the data set, start the HTTP server and print
// "listening on HOST:PORT" once the socket is bound (tests read the port from that line).
#include <boost/json/parse.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>

#include "clock.h"
#include "dataset_loader.h"
#include "emulator.h"
#include "http_server.h"
#include "options.h"
#include "seed_data.h"

namespace {

using namespace ojsemu;

Database build_database(const Options& o) {
  if (o.dataset.empty()) {
    SeedSpec spec;
    spec.seed = o.seed;
    spec.submissions = o.submissions;
    spec.reviewers = o.reviewers;
    spec.journal_path = o.journal;
    spec.admin_api_key = o.admin_api_key;
    return generate_seeded_database(spec, o.emulator.version);
  }
  Database db = load_dataset(boost::json::parse(builtin_dataset_text(o.dataset)), o.emulator.version);
  db.journal.path = o.journal;
  if (o.admin_api_key) {
    for (auto& [id, u] : db.users) {
      if (u.user_name == "admin") u.api_key = *o.admin_api_key;
    }
  }
  return db;
}

std::unique_ptr<Clock> make_clock(const Options& o) {
  std::int64_t offset = o.clock_offset_seconds;
  if (o.start_unix) offset += *o.start_unix - SystemClock().unix_now();
  return std::make_unique<SystemClock>(offset);
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    std::cerr << "ojs-emulator: " << *error << "\n\n" << usage();
    return 2;
  }
  const Options& options = std::get<Options>(parsed);
  if (options.help) {
    std::cout << usage();
    return 0;
  }
  try {
    const auto clock = make_clock(options);
    Emulator emulator(options.emulator, build_database(options), *clock);
    FaultInjector faults(options.faults);
    RequestStats stats;
    HttpServer server(options.server, emulator, faults, stats);
    const std::uint16_t port = server.bind();
    if (options.emulator.base_url.empty()) {
      emulator.set_base_url("http://" + options.server.host + ":" + std::to_string(port));
    }
    std::printf("listening on %s:%u\n", options.server.host.c_str(), static_cast<unsigned>(port));
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "ojs-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
