DROP TABLE attendance;
DROP TABLE association_sessions;
DROP TABLE association_members;
DROP TABLE associations;
DROP TABLE visits;
DROP TABLE place_services;
DROP TABLE places;
