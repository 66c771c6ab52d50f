// ossmp CLI: the subcommands, one file each (cmd_NAME.cpp). Each takes its arguments
// (after the subcommand name) and returns the process exit status (see report.hpp).
#pragma once

#include <string>
#include <vector>

namespace ossmp_cli {

/// A subcommand: its name, its line in `ossmp --help`, its own `--help` text (followed by
/// the connection options when it talks to OSS), and its code.
struct command {
    const char* name;
    const char* synopsis;
    const char* help;
    bool takes_connection;
    int (*run)(const std::vector<std::string>& argv);
};

extern const command cp_command;
extern const command ls_uploads_command;
extern const command ls_parts_command;
extern const command abort_command;
extern const command presign_command;
extern const command serve_command;
extern const command demo_command;

}  // namespace ossmp_cli
