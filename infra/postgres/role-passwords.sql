-- Run after every migration by the compose db-roles service (and the Kubernetes
-- migration Job): the migrations create the app and system roles without
-- passwords, because a password is the operator's, never the repository's.
-- Running it again rotates them to what the environment holds now.
\set ON_ERROR_STOP on
ALTER ROLE coachline_app WITH PASSWORD :'app_password';
ALTER ROLE coachline_system WITH PASSWORD :'system_password';
