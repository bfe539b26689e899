// A Go crypto/tls + net/http server as a stack of the matrix: one listener per entry of the
// JSON file in os.Args[1]. "require" = RequireAndVerifyClientCert; "optional" =
// VerifyClientCertIfGiven with a 403 when no certificate came.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
)

type listener struct {
	Port       int    `json:"port"`
	TLS        string `json:"tls"`
	ClientAuth string `json:"clientAuth"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	ClientCa   string `json:"clientCa"`
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	var config struct {
		Listeners []listener `json:"listeners"`
	}
	if err := json.Unmarshal(raw, &config); err != nil {
		log.Fatal(err)
	}
	done := make(chan error)
	for _, l := range config.Listeners {
		l := l
		pair, err := tls.LoadX509KeyPair(l.Cert, l.Key)
		if err != nil {
			log.Fatal(err)
		}
		caPem, err := os.ReadFile(l.ClientCa)
		if err != nil {
			log.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(caPem)
		version := uint16(tls.VersionTLS13)
		if l.TLS == "1.2" {
			version = tls.VersionTLS12
		}
		auth := tls.RequireAndVerifyClientCert
		if l.ClientAuth == "optional" {
			auth = tls.VerifyClientCertIfGiven
		}
		server := &http.Server{
			Addr:      fmt.Sprintf("127.0.0.1:%d", l.Port),
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: auth, MinVersion: version, MaxVersion: version},
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
					http.Error(w, "client certificate required", http.StatusForbidden)
					return
				}
				fmt.Fprintf(w, "ok subject=%s\n", r.TLS.PeerCertificates[0].Subject)
			}),
			ErrorLog: log.New(os.Stderr, fmt.Sprintf("[%d] ", l.Port), 0),
		}
		go func() { done <- server.ListenAndServeTLS("", "") }()
	}
	log.Fatal(<-done)
}
