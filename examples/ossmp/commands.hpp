// ossmp CLI: the subcommands. Each takes its arguments (after the subcommand name) and
// returns the process exit status (see exit_status in common.hpp).
#pragma once

#include <string>
#include <vector>

#include "common.hpp"

namespace ossmp_cli {

int cmd_cp(const std::vector<std::string>& argv);
int cmd_ls_uploads(const std::vector<std::string>& argv);
int cmd_ls_parts(const std::vector<std::string>& argv);
int cmd_abort(const std::vector<std::string>& argv);
int cmd_presign(const std::vector<std::string>& argv);
int cmd_serve(const std::vector<std::string>& argv);
int cmd_demo(const std::vector<std::string>& argv);

}  // namespace ossmp_cli
